#ifndef SOKBO_CMARIADB_SHIM_H
#define SOKBO_CMARIADB_SHIM_H
#include <mysql.h>
#endif
