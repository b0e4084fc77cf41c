//! The generator: snapshots of a fixture model that uses every binding kind, diagnostics
//! for bad models, and the committed generated code being current.

use std::path::Path;

fn fixture(name: &str) -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    vec![(name.to_string(), std::fs::read_to_string(&path).unwrap())]
}

#[test]
fn every_binding_kind_snapshot() {
    let files = codegen::generate(&fixture("bindings.json")).unwrap();
    for (path, text) in &files {
        let name = format!("bindings__{}", path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, text);
    }
    // Byte-for-byte deterministic.
    assert_eq!(files, codegen::generate(&fixture("bindings.json")).unwrap());
}

/// Generates from the fixture with `edit` applied to its JSON and returns the diagnostics.
fn diagnostics(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut files = fixture("bindings.json");
    let mut model: serde_json::Value = serde_json::from_str(&files[0].1).unwrap();
    edit(&mut model);
    files[0].1 = model.to_string();
    match codegen::generate(&files) {
        Ok(_) => "(no diagnostics: the broken model was accepted)".to_string(),
        Err(d) => d.to_string(),
    }
}

/// A change that breaks the fixture model.
type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

#[test]
fn bad_models_are_reported_with_their_place() {
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|m| m["shapes"]["Thing"]["members"]["Name"]["type"] = "Strnig".into()),
            "error: shape Thing, member Name: unknown type `Strnig`",
        ),
        (
            Box::new(|m| m["operations"]["GetThing"]["http"] = "GET /{Bucket}/{Kee+}".into()),
            "URI label `{Kee}` has no member in GetThingInput",
        ),
        (
            Box::new(|m| m["shapes"]["GetThingInput"]["members"]["Key"]["in"] = "header".into()),
            "error: shape GetThingInput, member Key: URI `/{Bucket}/{Key+}` uses it as a label",
        ),
        (
            Box::new(|m| m["shapes"]["Thing"]["members"]["Name"]["colour"] = "red".into()),
            "error: shape Thing, member Name: unknown field `colour`",
        ),
        (
            Box::new(|m| m["shapes"]["Item"]["members"]["Seen"]["docs"] = "".into()),
            "error: shape Item, member Seen: has no documentation",
        ),
        (
            Box::new(|m| m["operations"]["Forget"]["input"] = "Nothing".into()),
            "error: operation Forget: refers to unknown shape Nothing",
        ),
        (
            Box::new(|m| m["shapes"]["Colour"]["values"] = serde_json::json!(["RED", "red"])),
            "error: shape Colour: values `RED` and `red` both become variant Red",
        ),
        (
            Box::new(|m| {
                m["shapes"]["Thing"]["members"]["name"] =
                    serde_json::json!({"type": "string", "docs": "x"})
            }),
            "its field name name is also the field of member Name",
        ),
        (
            Box::new(|m| m["shapes"]["PutThingInput"]["members"]["Meta"]["type"] = "string".into()),
            "error: shape PutThingInput, member Meta: prefix headers bind a `map<string, string>`",
        ),
        (
            Box::new(|m| m["operations"]["GetThing"]["errors"] = serde_json::json!(["Thing"])),
            "error: operation GetThing: error Thing is not an error shape",
        ),
        (
            Box::new(|m| {
                m["shapes"]["PutThingInput"]["members"]["Count"]["copy_source"] = true.into()
            }),
            "error: shape PutThingInput, member Count: `copy_source` applies to string headers only",
        ),
        (
            Box::new(|m| {
                m["operations"]["GetThing"]["checksum"] =
                    serde_json::json!({"response_algorithms": ["CRC33"]})
            }),
            "error: operation GetThing: unknown checksum algorithm `CRC33`",
        ),
        (
            Box::new(|m| {
                let colour = m["shapes"]["Colour"].clone();
                m["shapes"]["Option"] = colour;
            }),
            "error: shape Option: the Rust name `Option` would shadow the `Option` the generated code uses",
        ),
        (
            Box::new(|m| {
                m["shapes"]["Thing"]["members"]["Reader"] =
                    serde_json::json!({"type": "string", "docs": "x"})
            }),
            "error: shape Thing, member Reader: the Rust field name `reader` is one the generated readers use for themselves",
        ),
        (
            Box::new(|m| {
                m["operations"]["GetThing"]["error_aliases"] =
                    serde_json::json!({"Gone": "Nothing"})
            }),
            "error: operation GetThing: error alias Gone names Nothing, which is not in `errors`",
        ),
        (
            Box::new(|m| {
                m["shapes"]["Thing"]["members"]["Builder"] =
                    serde_json::json!({"type": "string", "docs": "x"})
            }),
            "error: shape Thing, member Builder: its method name `builder` is already taken by the generated code",
        ),
        (
            Box::new(|m| {
                m["shapes"]["Thing"]["members"]["SetName"] =
                    serde_json::json!({"type": "string", "docs": "x"})
            }),
            "error: shape Thing, member SetName: its method name `set_name` is already taken by shape Thing, member Name",
        ),
        (
            Box::new(
                |m| m["shapes"]["WhereIsInput"]["members"]["Delay"] = serde_json::json!({"type": "integer", "in": "query", "name": "delay", "docs": "x"}),
            ),
            "error: shape WhereIsInput, member Delay: its method name `delay` is already taken by the generated code",
        ),
        (
            Box::new(|m| {
                m["shapes"]["ListThingsOutput"]["members"]["Send"] =
                    serde_json::json!({"type": "list<string>", "docs": "x"});
                m["operations"]["ListThings"]["paginator"]["result_keys"] =
                    serde_json::json!(["Items", "Send"]);
            }),
            "error: shape ListThingsOutput, member Send: its paginator method `send` is already taken by the generated code",
        ),
        (
            Box::new(|m| {
                let output = m["shapes"]["GetThingOutput"].take();
                m["shapes"]["GetThingFluentBuilder"] = output;
                m["shapes"]
                    .as_object_mut()
                    .unwrap()
                    .remove("GetThingOutput");
                m["operations"]["GetThing"]["output"] = "GetThingFluentBuilder".into();
            }),
            "error: operation GetThing: its type name `GetThingFluentBuilder` is already taken by shape GetThingFluentBuilder",
        ),
        (
            Box::new(|m| {
                m["shapes"]["QueryThingsInput"]["members"]["Events"] = serde_json::json!(
                    {"type": "ThingEvents", "in": "payload", "docs": "x"}
                )
            }),
            "error: shape QueryThingsInput, member Events: an event stream is read from responses only",
        ),
        (
            Box::new(|m| {
                m["shapes"]["FoundEvent"]["members"]["Payload"]
                    .as_object_mut()
                    .unwrap()
                    .remove("in");
            }),
            "error: shape FoundEvent, member Payload: an event's member travels as the message payload",
        ),
        (
            Box::new(|m| {
                m["shapes"]["ThingEvents"]["members"]["Found"]["in"] = "header".into();
            }),
            "error: shape ThingEvents, member Found: an event stream's member is an event",
        ),
        (
            Box::new(|m| {
                m["shapes"]["QueryThingsInput"]
                    .as_object_mut()
                    .unwrap()
                    .remove("xml_name");
            }),
            "error: shape QueryThingsInput, member Expression: an input member needs a binding (`in`), unless the input is the request document",
        ),
    ];
    for (edit, expected) in cases {
        let report = diagnostics(edit);
        assert!(
            report.contains(expected),
            "expected {expected:?} in:\n{report}"
        );
    }
    // Problems are collected, not just the first.
    let report = diagnostics(|m| {
        m["shapes"]["Thing"]["members"]["Name"]["type"] = "Nope".into();
        m["shapes"]["Item"]["members"]["Id"]["type"] = "list<Nope>".into();
    });
    assert_eq!(report.lines().count(), 2, "{report}");
    // A model file names a module of `types/`.
    let mut files = fixture("bindings.json");
    files[0].0 = "xml.json".into();
    let err = codegen::generate(&files).unwrap_err();
    assert!(
        err.to_string()
            .contains("file xml.json: its name must be a snake_case identifier"),
        "{err}"
    );
    // Not JSON at all.
    let err = codegen::generate(&[("bad.json".into(), "{".into())]).unwrap_err();
    assert!(
        err.to_string().contains("file bad.json: not valid JSON"),
        "{err}"
    );
}

#[test]
fn committed_generated_code_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let files = codegen::read_model_dir(&root.join("model"))
        .and_then(|f| codegen::generate(&f))
        .unwrap();
    let report = codegen::sync::sync(&root.join("s3-client/src/generated"), &files, true).unwrap();
    assert!(
        report.is_clean(),
        "stale generated files (run `cargo xtask codegen`): {report:?}"
    );
    // The crate's features name exactly the model's areas.
    let features = codegen::read_model_dir(&root.join("model"))
        .and_then(|f| codegen::ir::lower(&f))
        .map(|svc| codegen::cargo_features(&svc))
        .unwrap();
    let manifest = root.join("s3-client/Cargo.toml");
    assert!(
        !codegen::sync::sync_block(&manifest, &features, true).unwrap(),
        "the generated [features] block of s3-client/Cargo.toml is stale (run `cargo xtask codegen`)"
    );
    assert!(
        features.starts_with("all-operations = [\"bucket-access\", "),
        "{features}"
    );
    assert_eq!(
        files
            .keys()
            .filter(|k| k.starts_with("operation/") && *k != "operation/mod.rs")
            .count(),
        116
    );
}

/// Every member and operation name of the model (and of botocore's own model, where
/// `../shared/reference/s3` is present) gets the Rust name botocore's `xform_name` gives
/// it, asked of the botocore that `cargo xtask test` installs with moto.
#[test]
fn rust_names_are_botocores() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut names = std::collections::BTreeSet::new();
    let collect = |names: &mut std::collections::BTreeSet<String>, doc: &serde_json::Value| {
        for section in ["operations", "shapes"] {
            for (name, value) in doc[section].as_object().into_iter().flatten() {
                if section == "operations" {
                    names.insert(name.clone());
                }
                for member in value["members"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|m| m.0)
                {
                    names.insert(member.clone());
                }
            }
        }
    };
    for (_, text) in codegen::read_model_dir(&root.join("model")).unwrap() {
        collect(&mut names, &serde_json::from_str(&text).unwrap());
    }
    let model_names = names.len();
    let reference = root.join("../shared/reference/s3/service-2.json");
    if let Ok(text) = std::fs::read_to_string(&reference) {
        collect(&mut names, &serde_json::from_str(&text).unwrap());
    }
    assert!(model_names > 400, "only {model_names} names in the model");

    let list: Vec<&String> = names.iter().collect();
    let out = crate::venv_python(
        "import json, sys; from botocore import xform_name; \
         print(json.dumps([xform_name(n) for n in json.load(sys.stdin)]))",
        serde_json::to_string(&list).unwrap().as_bytes(),
    );
    let theirs: Vec<String> = serde_json::from_str(&out).unwrap();
    assert_eq!(theirs.len(), list.len());
    let differ: Vec<String> = list
        .iter()
        .zip(&theirs)
        .filter(|(name, want)| codegen::ir::names::snake_case(name) != **want)
        .map(|(name, want)| {
            format!(
                "{name}: ours {}, botocore {want}",
                codegen::ir::names::snake_case(name)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{} names differ: {differ:#?}",
        differ.len()
    );
}
