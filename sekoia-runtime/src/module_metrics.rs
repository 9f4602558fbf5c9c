//! The metrics a module declares, served on `metrics_port` with the runtime's.

use std::sync::Arc;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;

use crate::metrics::{Buckets, DEFAULT_BUCKETS, FloatGauge, Labels, MetricError, Metrics};
use crate::session::Session;

/// Declares the module's own Prometheus metrics: get it from `ctx.metrics()`.
///
/// Names are full Prometheus names, namespace included, as the Python modules write
/// `Counter(name=..., namespace=...)`: `symphony_module_<vendor>_collected_messages`. A counter is
/// exposed with the `_total` suffix. Declaring a name again returns the same metric (a
/// connector's `run` may be called many times), and so does declaring one of the runtime's own
/// (`symphony_module_common_forwarded_events`, `..._events_lags`...) with its kind and its
/// label `intake_key`: the runtime already counts pushes into those. Another kind or other
/// labels for a declared name is an error.
///
/// ```
/// use sekoia_runtime::prelude::*;
/// use sekoia_runtime::testing::TestPlatform;
///
/// # #[module(name = "Doc", slug = "doc", uuid = "0b0f9d1c-8d8c-4a52-a0c5-1f4e3e1a3c11", categories = ["Generic"])]
/// # #[derive(Deserialize, JsonSchema)]
/// # pub struct DocModule {}
/// # #[connector]
/// # pub struct Collector;
/// # impl Connector for Collector {
/// #     type Module = DocModule;
/// #     type Configuration = DefaultConnectorConfiguration;
/// #     async fn run(&self, _ctx: &ConnectorContext<Self>) -> Result<(), ConnectorError> { Ok(()) }
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Error> {
/// let platform = TestPlatform::new().with_intake_key("ik");
/// let configuration = DefaultConnectorConfiguration { intake_server: None, intake_key: "ik".into() };
/// let ctx = platform.connector::<Collector>(DocModule {}, configuration);
///
/// let collected = ctx.metrics().counter(
///     "symphony_module_doc_collected_messages",
///     "Number of messages collected",
///     &["intake_key", "type"],
/// )?;
/// collected.with(&[ctx.intake_key(), "audit"])?.inc_by(3);
/// let sizes = ctx.metrics().histogram("symphony_module_doc_page_size", "Events per page", &[], &[10.0, 100.0])?;
/// sizes.with(&[])?.observe(42.0);
///
/// let text = platform.metrics();
/// assert!(text.contains(r#"symphony_module_doc_collected_messages_total{intake_key="ik",type="audit"} 3"#));
/// assert!(text.contains(r#"symphony_module_doc_page_size_bucket{le="100.0"} 1"#));
/// # Ok(())
/// # }
/// ```
pub struct ModuleMetrics<'a> {
    pub(crate) session: &'a Arc<Session>,
}

/// A counter family: one counter per set of label values.
#[derive(Clone)]
pub struct CounterVec {
    name: Arc<str>,
    labels: Arc<[String]>,
    family: Family<Labels, Counter>,
}

/// A gauge family: one gauge (of `f64`) per set of label values.
#[derive(Clone)]
pub struct GaugeVec {
    name: Arc<str>,
    labels: Arc<[String]>,
    family: Family<Labels, FloatGauge>,
}

/// A histogram family: one histogram per set of label values.
#[derive(Clone)]
pub struct HistogramVec {
    name: Arc<str>,
    labels: Arc<[String]>,
    family: Family<Labels, Histogram, Buckets>,
}

fn label_set(name: &str, labels: &[String], values: &[&str]) -> Result<Labels, MetricError> {
    if labels.len() != values.len() {
        return Err(MetricError::Labels {
            name: name.to_owned(),
            labels: labels.to_vec(),
            given: values.len(),
        });
    }
    Ok(labels
        .iter()
        .zip(values)
        .map(|(label, value)| (label.clone(), (*value).to_owned()))
        .collect())
}

fn owned(labels: &[&str]) -> Arc<[String]> {
    labels.iter().map(|l| (*l).to_owned()).collect()
}

impl ModuleMetrics<'_> {
    fn metrics(&self) -> &Metrics {
        &self.session.metrics
    }

    /// Declares (or finds) the counter `name` with these labels.
    pub fn counter(
        &self,
        name: &str,
        help: &str,
        labels: &[&str],
    ) -> Result<CounterVec, MetricError> {
        let family = self.metrics().declare(
            name,
            help,
            "counter",
            labels,
            Family::<Labels, Counter>::default,
        )?;
        Ok(CounterVec {
            name: name.into(),
            labels: owned(labels),
            family,
        })
    }

    /// Declares (or finds) the gauge `name` with these labels.
    pub fn gauge(&self, name: &str, help: &str, labels: &[&str]) -> Result<GaugeVec, MetricError> {
        let family = self.metrics().declare(
            name,
            help,
            "gauge",
            labels,
            Family::<Labels, FloatGauge>::default,
        )?;
        Ok(GaugeVec {
            name: name.into(),
            labels: owned(labels),
            family,
        })
    }

    /// Declares (or finds) the histogram `name` with these labels and bucket bounds (`&[]`:
    /// Python's default buckets, 0.005 to 10 seconds).
    pub fn histogram(
        &self,
        name: &str,
        help: &str,
        labels: &[&str],
        buckets: &[f64],
    ) -> Result<HistogramVec, MetricError> {
        let buckets: Vec<f64> = if buckets.is_empty() {
            DEFAULT_BUCKETS.to_vec()
        } else {
            buckets.to_vec()
        };
        let make = move || Family::new_with_constructor(Buckets(buckets.into()));
        let family = self
            .metrics()
            .declare(name, help, "histogram", labels, make)?;
        Ok(HistogramVec {
            name: name.into(),
            labels: owned(labels),
            family,
        })
    }
}

impl CounterVec {
    /// The counter of these label values (in the declared order).
    pub fn with(&self, values: &[&str]) -> Result<Counter, MetricError> {
        Ok(self
            .family
            .get_or_create(&label_set(&self.name, &self.labels, values)?)
            .clone())
    }
}

impl GaugeVec {
    /// The gauge of these label values (in the declared order).
    pub fn with(&self, values: &[&str]) -> Result<FloatGauge, MetricError> {
        Ok(self
            .family
            .get_or_create(&label_set(&self.name, &self.labels, values)?)
            .clone())
    }
}

impl HistogramVec {
    /// The histogram of these label values (in the declared order).
    pub fn with(&self, values: &[&str]) -> Result<Histogram, MetricError> {
        Ok(self
            .family
            .get_or_create(&label_set(&self.name, &self.labels, values)?)
            .clone())
    }
}
