import Prometheus

extension MetricNameDescriptor {
    /// A descriptor from a full metric name (`sokbo_flush_rows_total`) and its help text.
    public static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
