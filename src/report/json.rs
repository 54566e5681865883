//! The report as JSON (the `json` format): rows keyed by the `--by` names, money as exact
//! decimal strings, rows written one object at a time.

use serde::Serialize;

use super::{measures, Measures, Report};

/// The measures as JSON keys, in [`measures::MEASURES`] order.
fn measure_entries(m: &Measures, map: &mut serde_json::Map<String, serde_json::Value>) {
    use measures::MeasureValue;
    for c in measures::MEASURES {
        let v = match (c.get)(m) {
            MeasureValue::Count(n) => serde_json::Value::from(n),
            MeasureValue::Money(d) => serde_json::Value::from(crate::money::exact(d)),
        };
        map.insert(c.name.into(), v);
    }
    map.insert(
        "price_versions".into(),
        serde_json::Value::from(
            m.price_versions
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>(),
        ),
    );
    map.insert(
        "priced_by".into(),
        serde_json::Value::from(m.priced_by_labels()),
    );
}

impl Serialize for Measures {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = serde_json::Map::new();
        measure_entries(self, &mut map);
        map.serialize(s)
    }
}

/// The report's rows for JSON, one object at a time (a million groups are never held as JSON
/// values all at once).
struct RowsJson<'a>(&'a Report);

impl Serialize for RowsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.rows.len()))?;
        for r in &self.0.rows {
            let mut obj = serde_json::Map::new();
            for (name, v) in self.0.by.iter().zip(&r.dims) {
                obj.insert(name.clone(), serde_json::Value::from(v.as_deref()));
            }
            measure_entries(&r.measures, &mut obj);
            seq.serialize_element(&obj)?;
        }
        seq.end()
    }
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let rows = RowsJson(self);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("by", &self.by)?;
        m.serialize_entry("period", &self.period)?;
        m.serialize_entry("rows", &rows)?;
        m.serialize_entry("total", &self.total)?;
        m.serialize_entry("unpriced", &self.unpriced)?;
        m.serialize_entry("accounting", &self.accounting)?;
        m.serialize_entry("rejections", &self.rejections)?;
        m.serialize_entry("warnings", &self.warnings)?;
        m.serialize_entry("forecast", &self.forecast)?;
        m.serialize_entry("pricing", &self.pricing)?;
        m.serialize_entry("coverage", &self.coverage)?;
        if let Some(a) = &self.api_equivalent {
            m.serialize_entry("api_equivalent", a)?;
        }
        m.end()
    }
}
