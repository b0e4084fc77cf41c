//! Every operation in the model has an integration test: against moto, or, for the
//! operations moto lacks (and only those), on the recording server in `gaps`.

use std::path::Path;

use crate::gaps::MOTO_GAPS;

/// The text of every `.rs` file under `dir`.
fn sources(dir: &Path) -> String {
    let mut text = String::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            text.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    text
}

#[test]
fn every_operation_has_an_integration_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let model = codegen::read_model_dir(&root.join("../model"))
        .and_then(|f| codegen::ir::lower(&f))
        .unwrap();
    let moto = sources(&root.join("integration/moto"));
    // The wire tests of the gaps: `gaps.rs` and the files of its submodules in `gaps/`.
    let gaps = std::fs::read_to_string(root.join("integration/gaps.rs")).unwrap()
        + &sources(&root.join("integration/gaps"));
    let called = |text: &str, method: &str| text.contains(&format!(".{method}()"));

    let mut untested = Vec::new();
    for op in &model.operations {
        let gap = MOTO_GAPS.iter().any(|(name, _)| *name == op.method);
        let tested = if gap {
            called(&gaps, &op.method)
        } else {
            called(&moto, &op.method)
        };
        if !tested {
            untested.push(format!(
                "{} ({})",
                op.method,
                if gap {
                    "a moto gap without a wire test"
                } else {
                    "no moto test"
                }
            ));
        }
    }
    assert!(
        untested.is_empty(),
        "operations without an integration test: {untested:?}"
    );

    // The gap list names real operations, each once, each with a reason.
    for (name, reason) in MOTO_GAPS {
        assert!(
            model.operations.iter().any(|op| op.method == *name),
            "MOTO_GAPS names `{name}`, which is not an operation"
        );
        assert!(!reason.is_empty());
    }
    let mut names: Vec<_> = MOTO_GAPS.iter().map(|(n, _)| *n).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), MOTO_GAPS.len());
    assert_eq!(model.operations.len(), 116);
}
