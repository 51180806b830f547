/// The OpenAPI 3.1 description of the HTTP API, served at `GET /openapi.json`.
///
/// Why hand-kept rather than generated: the routes are plain Hummingbird closures, and a generator would
/// own the handlers' shape. A test (`OpenAPIDocumentTests`) compares the paths and methods listed here with
/// the router's routes in both directions, so the document cannot drift from what the server answers.
public enum OpenAPIDocument {
    /// The document as JSON text.
    public static let json: String = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Sokbo",
    "version": "1.0.0",
    "summary": "News-driven trading server for the Korean stock market.",
    "description": "Every /api route needs `Authorization: Bearer <token>` (SOKBO_API_TOKEN, or the token generated into <data>/api-token). Every error answers with the JSON envelope {\"error\":{\"code\":\"…\",\"message\":\"…\"}}. Request bodies above 1 MiB are refused with 413."
  },
  "servers": [{ "url": "/" }],
  "security": [{ "bearer": [] }],
  "tags": [
    { "name": "system", "description": "Health, metrics, status and this document." },
    { "name": "news", "description": "Headlines from LS and their bodies." },
    { "name": "disclosures", "description": "DART disclosures." },
    { "name": "market", "description": "Quotes, charts and the account, from the broker." },
    { "name": "engine", "description": "Signals, orders, rules and the trading switch." }
  ],
  "paths": {
    "/health": {
      "get": {
        "tags": ["system"],
        "operationId": "getHealth",
        "summary": "Liveness: the HTTP server answers.",
        "security": [],
        "responses": {
          "200": {
            "description": "The server is up.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Health" } } }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["system"],
        "operationId": "getMetrics",
        "summary": "Prometheus metrics in the text exposition format.",
        "description": "Open to loopback peers; any other peer needs the bearer token.",
        "security": [{}, { "bearer": [] }],
        "responses": {
          "200": {
            "description": "Prometheus text format 0.0.4.",
            "content": { "text/plain": { "schema": { "type": "string" } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "tags": ["system"],
        "operationId": "getOpenAPI",
        "summary": "This document.",
        "security": [],
        "responses": {
          "200": {
            "description": "The OpenAPI 3.1 document.",
            "content": { "application/json": { "schema": { "type": "object" } } }
          }
        }
      }
    },
    "/api/status": {
      "get": {
        "tags": ["system"],
        "operationId": "getStatus",
        "summary": "Mode, uptime, service states, buffer, flush, database, news listener and DART poller.",
        "responses": {
          "200": {
            "description": "The status document.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Status" } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" }
        }
      }
    },
    "/api/flush": {
      "post": {
        "tags": ["system"],
        "operationId": "flush",
        "summary": "Writes the row buffer to the database now.",
        "description": "Takes no body.",
        "responses": {
          "200": {
            "description": "What the flush wrote.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/FlushReport" } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/news": {
      "get": {
        "tags": ["news"],
        "operationId": "listNews",
        "summary": "Stored headlines, newest first.",
        "parameters": [
          { "$ref": "#/components/parameters/TickerQuery" },
          {
            "name": "since",
            "in": "query",
            "description": "Only headlines published at or after this time: ISO 8601 or epoch milliseconds.",
            "schema": { "type": "string", "examples": ["2026-01-05T09:00:00+09:00", "1767571200000"] }
          },
          { "$ref": "#/components/parameters/Limit" }
        ],
        "responses": {
          "200": {
            "description": "The headlines.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewsList" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" }
        }
      }
    },
    "/api/news/{id}": {
      "get": {
        "tags": ["news"],
        "operationId": "getNews",
        "summary": "One headline with its body, fetched from LS (t3102, one call per second).",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The LS realkey: 24 printable ASCII characters.",
            "schema": { "type": "string", "pattern": "^[!-~]{24}$", "examples": ["202601050900001234567890"] }
          }
        ],
        "responses": {
          "200": {
            "description": "The headline and its body.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewsDetail" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "429": { "$ref": "#/components/responses/TooManyRequests" },
          "502": { "$ref": "#/components/responses/BadGateway" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/events": {
      "get": {
        "tags": ["news", "engine"],
        "operationId": "streamEvents",
        "summary": "Server-Sent Events: news, disclosure, signal, order and connection events.",
        "description": "Each event is `event: <kind>` and `data: <JSON>`. A client that reads too slowly loses its oldest events and gets `event: gap` with `{\"missed\":N}`. The stream ends when the server shuts down.",
        "responses": {
          "200": {
            "description": "An endless event stream.",
            "content": { "text/event-stream": { "schema": { "type": "string" } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" }
        }
      }
    },
    "/api/disclosures": {
      "get": {
        "tags": ["disclosures"],
        "operationId": "listDisclosures",
        "summary": "Stored DART disclosures, newest receipt first.",
        "parameters": [
          { "$ref": "#/components/parameters/TickerQuery" },
          {
            "name": "from",
            "in": "query",
            "description": "First receipt day (inclusive): YYYYMMDD, YYYY-MM-DD or an ISO 8601 time (its KST day).",
            "schema": { "type": "string", "examples": ["20260105", "2026-01-05"] }
          },
          {
            "name": "to",
            "in": "query",
            "description": "Last receipt day (inclusive), same forms; not before `from`.",
            "schema": { "type": "string", "examples": ["20260109"] }
          },
          { "$ref": "#/components/parameters/Limit" }
        ],
        "responses": {
          "200": {
            "description": "The disclosures.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DisclosureList" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" }
        }
      }
    },
    "/api/stocks/{code}": {
      "get": {
        "tags": ["market"],
        "operationId": "getStock",
        "summary": "The broker's snapshot of one stock: price, limits, order book.",
        "parameters": [{ "$ref": "#/components/parameters/CodePath" }],
        "responses": {
          "200": {
            "description": "The snapshot.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/StockSnapshot" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "429": { "$ref": "#/components/responses/TooManyRequests" },
          "502": { "$ref": "#/components/responses/BadGateway" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/stocks/{code}/chart": {
      "get": {
        "tags": ["market"],
        "operationId": "getChart",
        "summary": "Daily or minute candles of one stock.",
        "parameters": [
          { "$ref": "#/components/parameters/CodePath" },
          {
            "name": "interval",
            "in": "query",
            "description": "Candle size (default day).",
            "schema": { "type": "string", "enum": ["day", "minute"], "default": "day" }
          },
          {
            "name": "from",
            "in": "query",
            "description": "First candle time: YYYYMMDD (KST), ISO 8601 or epoch milliseconds.",
            "schema": { "$ref": "#/components/schemas/ChartTime" }
          },
          {
            "name": "to",
            "in": "query",
            "description": "Last candle time, same forms; not before `from`.",
            "schema": { "$ref": "#/components/schemas/ChartTime" }
          }
        ],
        "responses": {
          "200": {
            "description": "The candles, oldest first.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ChartReply" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "429": { "$ref": "#/components/responses/TooManyRequests" },
          "502": { "$ref": "#/components/responses/BadGateway" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/account": {
      "get": {
        "tags": ["market"],
        "operationId": "getAccount",
        "summary": "Cash, orderable cash, valuation and positions.",
        "responses": {
          "200": {
            "description": "The account.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Account" } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "502": { "$ref": "#/components/responses/BadGateway" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/signals": {
      "get": {
        "tags": ["engine"],
        "operationId": "listSignals",
        "summary": "The engine's decisions on headlines, newest first.",
        "parameters": [
          { "$ref": "#/components/parameters/TickerQuery" },
          { "$ref": "#/components/parameters/Limit" }
        ],
        "responses": {
          "200": {
            "description": "The signals.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SignalList" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" }
        }
      }
    },
    "/api/orders": {
      "get": {
        "tags": ["engine"],
        "operationId": "listOrders",
        "summary": "Orders, newest first, with their state.",
        "parameters": [
          { "$ref": "#/components/parameters/TickerQuery" },
          { "$ref": "#/components/parameters/Limit" }
        ],
        "responses": {
          "200": {
            "description": "The orders.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderList" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" }
        }
      },
      "post": {
        "tags": ["engine"],
        "operationId": "placeOrder",
        "summary": "Places a manual order through the same risk checks as the engine's.",
        "description": "Give exactly one of `quantity` (shares) and `amount` (won, sized down to whole shares). A limit order takes `price` on the KRX tick grid within today's limits, or the best ask (buy) / best bid (sell) when `price` is left out. An unknown stock is a 422. The answer is the order as recorded: a timeout or venue error after sending leaves it `unknown`, never rejected, until reconciliation settles it.",
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/OrderRequest" } } }
        },
        "responses": {
          "201": {
            "description": "The order as recorded.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "422": { "$ref": "#/components/responses/Unprocessable" },
          "429": { "$ref": "#/components/responses/TooManyRequests" },
          "502": { "$ref": "#/components/responses/BadGateway" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/orders/{id}/cancel": {
      "post": {
        "tags": ["engine"],
        "operationId": "cancelOrder",
        "summary": "Asks the broker to cancel the open remainder of an order.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The order's id.",
            "schema": { "type": "string", "minLength": 1, "maxLength": 64 }
          }
        ],
        "responses": {
          "200": {
            "description": "The order after the cancel request.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "502": { "$ref": "#/components/responses/BadGateway" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/rules": {
      "get": {
        "tags": ["engine"],
        "operationId": "getRules",
        "summary": "The rules in force, as the YAML rules file.",
        "responses": {
          "200": {
            "description": "The rules file.",
            "content": { "text/yaml": { "schema": { "type": "string" } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" }
        }
      },
      "put": {
        "tags": ["engine"],
        "operationId": "putRules",
        "summary": "Replaces the rules with a YAML rules file (see rules.example.yaml); all or nothing.",
        "requestBody": {
          "required": true,
          "content": {
            "text/yaml": { "schema": { "type": "string" } },
            "application/yaml": { "schema": { "type": "string" } }
          }
        },
        "responses": {
          "200": {
            "description": "The rules now in force, as the YAML rules file.",
            "content": { "text/yaml": { "schema": { "type": "string" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "422": {
            "description": "The file is not valid rules; code `invalid_rules`, message `line N: …`.",
            "content": {
              "application/json": {
                "schema": { "$ref": "#/components/schemas/Error" },
                "example": { "error": { "code": "invalid_rules", "message": "line 4: budget must be a positive number of won" } }
              }
            }
          }
        }
      }
    },
    "/api/trading/halt": {
      "post": {
        "tags": ["engine"],
        "operationId": "haltTrading",
        "summary": "Stops sending new orders (the kill switch); open orders are left as they are.",
        "responses": {
          "200": {
            "description": "The trading switch.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TradingState" } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" }
        }
      }
    },
    "/api/trading/resume": {
      "post": {
        "tags": ["engine"],
        "operationId": "resumeTrading",
        "summary": "Allows new orders again.",
        "responses": {
          "200": {
            "description": "The trading switch.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TradingState" } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "SOKBO_API_TOKEN, or the token generated into <data>/api-token on first start."
      }
    },
    "parameters": {
      "TickerQuery": {
        "name": "ticker",
        "in": "query",
        "description": "A 6-character KRX code.",
        "schema": { "$ref": "#/components/schemas/Ticker" }
      },
      "CodePath": {
        "name": "code",
        "in": "path",
        "required": true,
        "description": "A 6-character KRX code.",
        "schema": { "$ref": "#/components/schemas/Ticker" }
      },
      "Limit": {
        "name": "limit",
        "in": "query",
        "description": "At most this many items (default 100).",
        "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "A parameter or the body is malformed (`invalid_parameter`, `invalid_body`, `bad_request`).",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "Unauthorized": {
        "description": "Missing or wrong bearer token (`unauthorized`).",
        "headers": { "WWW-Authenticate": { "schema": { "type": "string" } } },
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "NotFound": {
        "description": "No such resource (`not_found`).",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "Conflict": {
        "description": "The request conflicts with the current state, e.g. trading is halted or the order is final (`conflict`, `trading_halted`).",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "PayloadTooLarge": {
        "description": "The request body is above 1 MiB (`payload_too_large`).",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "Unprocessable": {
        "description": "Well-formed but refused, e.g. by a risk limit (`risk_limit`, `unprocessable`).",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "TooManyRequests": {
        "description": "Rate-limited; retry after `Retry-After` seconds (`rate_limited`).",
        "headers": { "Retry-After": { "schema": { "type": "integer" } } },
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "BadGateway": {
        "description": "The venue failed or answered nonsense (`venue_error`, `upstream_error`).",
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "ServiceUnavailable": {
        "description": "The venue is throttling, the database refused a write, or the server is shutting down (`venue_busy`, `flush_failed`, `unavailable`).",
        "headers": { "Retry-After": { "schema": { "type": "integer" } } },
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
          "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
              "code": { "type": "string", "description": "Stable machine-readable code." },
              "message": { "type": "string", "description": "Human-readable; never contains secrets." }
            }
          }
        }
      },
      "Ticker": {
        "type": "string",
        "pattern": "^[0-9A-Z]{6}$",
        "examples": ["005930"]
      },
      "ChartTime": {
        "anyOf": [
          { "type": "string", "pattern": "^20[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])$", "description": "YYYYMMDD (KST)" },
          { "type": "string", "pattern": "^1[0-9]{12}$", "description": "epoch milliseconds" },
          { "type": "string", "format": "date-time" }
        ],
        "examples": ["20260105", "1767571200000", "2026-01-05T09:00:00+09:00"]
      },
      "Health": {
        "type": "object",
        "required": ["status"],
        "properties": { "status": { "type": "string", "const": "ok" } }
      },
      "FlushReport": {
        "type": "object",
        "required": ["at", "rows", "attempted", "durationMs"],
        "properties": {
          "at": { "type": "string", "format": "date-time" },
          "rows": { "type": "integer", "description": "New rows written." },
          "attempted": { "type": "integer", "description": "Rows taken from the buffer and spill file." },
          "durationMs": { "type": "number" },
          "error": { "type": "string" }
        }
      },
      "Status": {
        "type": "object",
        "required": ["mode", "startedAt", "uptimeSeconds", "services", "buffer", "flush", "database"],
        "properties": {
          "mode": { "type": "string", "enum": ["simulate", "mock", "live"] },
          "startedAt": { "type": "string", "format": "date-time" },
          "uptimeSeconds": { "type": "number" },
          "services": { "type": "object", "additionalProperties": { "type": "string" } },
          "buffer": { "type": "object" },
          "flush": { "type": "object" },
          "database": {
            "type": "object",
            "properties": { "kind": { "type": "string" }, "url": { "type": "string", "description": "Password redacted." } }
          },
          "news": { "type": "object" },
          "dart": { "type": "object" },
          "kiwoomRealtime": { "type": ["object", "null"], "description": "The Kiwoom realtime feed (state, connections, live quotes); null without a watchlist." }
        }
      },
      "NewsItem": {
        "type": "object",
        "required": ["id", "publishedAt", "source", "title", "tickers", "receivedAt"],
        "properties": {
          "id": { "type": "string", "description": "The LS realkey." },
          "publishedAt": { "type": "string", "format": "date-time" },
          "source": { "type": "string" },
          "title": { "type": "string" },
          "tickers": { "type": "array", "items": { "$ref": "#/components/schemas/Ticker" } },
          "bodySize": { "type": "integer" },
          "category": { "type": "string" },
          "receivedAt": { "type": "string", "format": "date-time" }
        }
      },
      "NewsList": {
        "type": "object",
        "required": ["items"],
        "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/NewsItem" } } }
      },
      "NewsDetail": {
        "type": "object",
        "required": ["id", "body", "tickers"],
        "properties": {
          "id": { "type": "string" },
          "title": { "type": "string" },
          "body": { "type": "string" },
          "tickers": { "type": "array", "items": { "$ref": "#/components/schemas/Ticker" } },
          "publishedAt": { "type": "string", "format": "date-time" }
        }
      },
      "Disclosure": {
        "type": "object",
        "required": ["id", "corpCode", "corpName", "reportName", "receivedDate"],
        "properties": {
          "id": { "type": "string", "description": "DART receipt number (rcept_no)." },
          "corpCode": { "type": "string" },
          "corpName": { "type": "string" },
          "ticker": { "$ref": "#/components/schemas/Ticker" },
          "reportName": { "type": "string" },
          "filer": { "type": "string" },
          "receivedDate": { "type": "string", "description": "YYYYMMDD (KST)." },
          "remark": { "type": "string" },
          "createdAt": { "type": "string", "format": "date-time" }
        }
      },
      "DisclosureList": {
        "type": "object",
        "required": ["items"],
        "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Disclosure" } } }
      },
      "StockSnapshot": {
        "type": "object",
        "required": ["ticker", "name", "price", "basePrice", "change", "changePercent", "volume", "limits", "asOf"],
        "properties": {
          "ticker": { "$ref": "#/components/schemas/Ticker" },
          "name": { "type": "string" },
          "price": { "type": "integer", "description": "Won." },
          "basePrice": { "type": "integer" },
          "change": { "type": "integer" },
          "changePercent": { "type": "number" },
          "open": { "type": "integer" },
          "high": { "type": "integer" },
          "low": { "type": "integer" },
          "volume": { "type": "integer" },
          "limits": { "type": "object", "description": "Daily upper and lower price limits." },
          "halted": { "type": "boolean" },
          "marginRatePercent": { "type": "integer" },
          "book": {
            "type": "object",
            "properties": {
              "asks": { "type": "array", "items": { "$ref": "#/components/schemas/BookLevel" } },
              "bids": { "type": "array", "items": { "$ref": "#/components/schemas/BookLevel" } },
              "totalAskQuantity": { "type": "integer" },
              "totalBidQuantity": { "type": "integer" },
              "time": { "type": "string" }
            }
          },
          "missing": { "type": "array", "items": { "type": "string" }, "description": "Parts the venue did not deliver." },
          "asOf": { "type": "string", "format": "date-time" },
          "source": { "type": "string", "enum": ["rest", "realtime"], "description": "rest: concurrent queries (one round trip); realtime: the live quote from the realtime feed with the day's reference." }
        }
      },
      "BookLevel": {
        "type": "object",
        "required": ["price", "quantity"],
        "properties": { "price": { "type": "integer" }, "quantity": { "type": "integer" } }
      },
      "Candle": {
        "type": "object",
        "required": ["time", "open", "high", "low", "close", "volume"],
        "properties": {
          "time": { "type": "string", "format": "date-time" },
          "open": { "type": "integer" },
          "high": { "type": "integer" },
          "low": { "type": "integer" },
          "close": { "type": "integer" },
          "volume": { "type": "integer" }
        }
      },
      "ChartReply": {
        "type": "object",
        "required": ["ticker", "interval", "candles"],
        "properties": {
          "ticker": { "$ref": "#/components/schemas/Ticker" },
          "interval": { "type": "string", "enum": ["day", "minute"] },
          "candles": { "type": "array", "items": { "$ref": "#/components/schemas/Candle" } }
        }
      },
      "Account": {
        "type": "object",
        "required": ["cash", "orderableCash", "totalPurchase", "totalValuation", "profitLoss", "estimatedAssets", "positions"],
        "properties": {
          "cash": { "type": "integer" },
          "orderableCash": { "type": "integer" },
          "totalPurchase": { "type": "integer" },
          "totalValuation": { "type": "integer" },
          "profitLoss": { "type": "integer" },
          "estimatedAssets": { "type": "integer" },
          "positions": { "type": "array", "items": { "$ref": "#/components/schemas/Position" } }
        }
      },
      "Position": {
        "type": "object",
        "required": ["ticker", "name", "quantity", "sellableQuantity", "averagePrice", "currentPrice", "profitLoss"],
        "properties": {
          "ticker": { "$ref": "#/components/schemas/Ticker" },
          "name": { "type": "string" },
          "quantity": { "type": "integer" },
          "sellableQuantity": { "type": "integer" },
          "averagePrice": { "type": "integer" },
          "currentPrice": { "type": "integer" },
          "profitLoss": { "type": "integer" }
        }
      },
      "Signal": {
        "type": "object",
        "required": ["id", "newsID", "decision", "reason", "createdAt"],
        "properties": {
          "id": { "type": "string" },
          "newsID": { "type": "string" },
          "rule": { "type": "string" },
          "ticker": { "$ref": "#/components/schemas/Ticker" },
          "decision": { "type": "string", "enum": ["buy", "skip", "none"] },
          "reason": { "type": "string" },
          "createdAt": { "type": "string", "format": "date-time" }
        }
      },
      "SignalList": {
        "type": "object",
        "required": ["items"],
        "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Signal" } } }
      },
      "OrderRequest": {
        "type": "object",
        "required": ["ticker", "side", "type"],
        "additionalProperties": false,
        "properties": {
          "ticker": { "$ref": "#/components/schemas/Ticker" },
          "side": { "type": "string", "enum": ["buy", "sell"] },
          "quantity": { "type": "integer", "minimum": 1, "maximum": 100000000, "description": "Shares; give this or amount." },
          "amount": { "type": "integer", "minimum": 1, "maximum": 1000000000000, "description": "Won; sized down to whole shares. Give this or quantity." },
          "type": { "type": "string", "enum": ["limit", "market"] },
          "price": { "type": "integer", "minimum": 1, "description": "Limit price in won on the KRX tick grid; limit orders only." }
        },
        "examples": [{ "ticker": "005930", "side": "buy", "quantity": 10, "type": "limit", "price": 70000 }]
      },
      "Order": {
        "type": "object",
        "required": ["id", "ticker", "side", "quantity", "state", "filledQuantity", "createdAt", "updatedAt"],
        "properties": {
          "id": { "type": "string" },
          "newsID": { "type": "string" },
          "rule": { "type": "string" },
          "ticker": { "$ref": "#/components/schemas/Ticker" },
          "side": { "type": "string", "enum": ["buy", "sell"] },
          "quantity": { "type": "integer" },
          "pricing": { "type": "object", "description": "Limit price or market." },
          "state": {
            "type": "string",
            "enum": ["intent", "submitted", "accepted", "partiallyFilled", "filled", "rejected", "unknown", "cancelled"],
            "description": "`unknown`: sent, outcome not yet known (timeout, disconnect, 5xx); never re-sent on its own."
          },
          "brokerOrderNo": { "type": "string" },
          "filledQuantity": { "type": "integer" },
          "averageFillPrice": { "type": "number" },
          "reason": { "type": "string" },
          "createdAt": { "type": "string", "format": "date-time" },
          "updatedAt": { "type": "string", "format": "date-time" }
        }
      },
      "OrderList": {
        "type": "object",
        "required": ["items"],
        "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Order" } } }
      },
      "TradingState": {
        "type": "object",
        "required": ["halted"],
        "properties": {
          "halted": { "type": "boolean" },
          "reason": { "type": "string" }
        }
      }
    }
  }
}
"""#
}
