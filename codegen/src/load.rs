//! Loading: model files in, the model as written out ([`Model`]), every file checked
//! against the format on its own (unknown keys, names defined twice) before anything is
//! resolved.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diag::{self, Diagnostics};
use crate::model;

/// Every model file read together.
#[derive(Debug, Clone)]
pub struct Model {
    /// The `service` section.
    pub service: model::Service,
    /// Operations by name, each with its area (the file stem, `objects`).
    pub operations: BTreeMap<String, (model::Operation, String)>,
    /// Named shapes by name.
    pub shapes: BTreeMap<String, Shape>,
    /// Differences from the reference model that are deliberate, with the reason.
    pub deviations: Vec<model::Deviation>,
}

/// A shape as read, with its members parsed one by one and the area it came from.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The shape without its members.
    pub shape: model::Shape,
    /// Members in wire order.
    pub members: Vec<(String, model::Member)>,
    /// The model file's stem (`buckets`).
    pub area: String,
}

/// Reads model files (`(file name, JSON text)`) into one [`Model`].
pub fn load(files: &[(String, String)]) -> Result<Model, Diagnostics> {
    let mut d = Diagnostics::default();
    let mut service: Option<model::Service> = None;
    let mut operations = BTreeMap::new();
    let mut shapes = BTreeMap::new();
    let mut deviations = Vec::new();
    let mut origin: BTreeMap<String, String> = BTreeMap::new();

    for (file, text) in files {
        let area = file.trim_end_matches(".json").to_string();
        let root: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                d.error(format!("file {file}"), format!("not valid JSON: {e}"));
                continue;
            }
        };
        let Value::Object(root) = root else {
            d.error(
                format!("file {file}"),
                "the top level must be a JSON object",
            );
            continue;
        };
        for (key, value) in root {
            match key.as_str() {
                "service" => match serde_json::from_value::<model::Service>(value) {
                    Ok(s) if service.is_none() => service = Some(s),
                    Ok(_) => d.error(format!("file {file}"), "`service` is given more than once"),
                    Err(e) => d.error(format!("file {file}, service"), e.to_string()),
                },
                "operations" => {
                    for (name, value) in object(&mut d, &format!("file {file}, operations"), value)
                    {
                        let place = diag::operation(&name);
                        if let Some(first) = origin.insert(format!("op:{name}"), file.clone()) {
                            d.error(&place, format!("defined in both {first} and {file}"));
                            continue;
                        }
                        match serde_json::from_value::<model::Operation>(value) {
                            Ok(op) => {
                                operations.insert(name, (op, area.clone()));
                            }
                            Err(e) => d.error(place, e.to_string()),
                        }
                    }
                }
                "shapes" => {
                    for (name, value) in object(&mut d, &format!("file {file}, shapes"), value) {
                        let place = diag::shape(&name);
                        if let Some(first) = origin.insert(format!("shape:{name}"), file.clone()) {
                            d.error(&place, format!("defined in both {first} and {file}"));
                            continue;
                        }
                        match serde_json::from_value::<model::Shape>(value) {
                            Ok(mut shape) => {
                                let mut members = Vec::new();
                                for (m, v) in shape.members.take().unwrap_or_default() {
                                    match serde_json::from_value::<model::Member>(v) {
                                        Ok(member) => members.push((m, member)),
                                        Err(e) => d.error(diag::member(&name, &m), e.to_string()),
                                    }
                                }
                                let area = area.clone();
                                shapes.insert(
                                    name,
                                    Shape {
                                        shape,
                                        members,
                                        area,
                                    },
                                );
                            }
                            Err(e) => d.error(place, e.to_string()),
                        }
                    }
                }
                "deviations" => match serde_json::from_value::<Vec<model::Deviation>>(value) {
                    Ok(list) => deviations.extend(list),
                    Err(e) => d.error(format!("file {file}, deviations"), e.to_string()),
                },
                other => d.error(
                    format!("file {file}"),
                    format!(
                        "unknown top-level key `{other}` (expected service, operations, shapes, deviations)"
                    ),
                ),
            }
        }
    }

    let Some(service) = service else {
        d.error("model", "no file gives the `service` section");
        return Err(d.finish(()).err().unwrap_or_default());
    };
    d.finish(Model {
        service,
        operations,
        shapes,
        deviations,
    })
}

fn object(d: &mut Diagnostics, place: &str, value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => {
            d.error(place, "must be a JSON object");
            Map::new()
        }
    }
}
