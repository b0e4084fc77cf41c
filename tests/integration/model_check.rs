//! The model checker (`cargo xtask check-model`): the fixture model beside a
//! botocore-format reference written for it (`tests/fixtures/reference/`), then that
//! reference changed one wire detail at a time.

use std::path::Path;

use codegen::reference::{Reference, Report, compare};
use serde_json::{Value, json};

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Compares the fixture model (with `model` applied) with its reference (with
/// `reference` applied to `service-2.json`, `paginators-1.json`, `waiters-2.json`).
fn check(model: impl FnOnce(&mut Value), reference: impl FnOnce(&mut [Value; 3])) -> Report {
    let mut ours = read(&fixtures().join("bindings.json"));
    model(&mut ours);
    let ours = codegen::load::load(&[("bindings.json".into(), ours.to_string())]).unwrap();
    let dir = fixtures().join("reference");
    let mut docs =
        ["service-2.json", "paginators-1.json", "waiters-2.json"].map(|f| read(&dir.join(f)));
    reference(&mut docs);
    compare(&ours, &Reference::from_json(&docs[0], &docs[1], &docs[2]))
}

fn lines(report: &Report) -> Vec<String> {
    report.differences.iter().map(ToString::to_string).collect()
}

const ROOT: &str = "shape WhereIsOutput, member Place: travels in the root element's text, the reference has an XML element";

#[test]
fn the_fixture_differs_from_its_reference_only_where_it_says_so() {
    // botocore reads GetBucketLocation's bare root element by a customisation; the
    // fixture's `root` member is the one difference.
    let report = check(|_| {}, |_| {});
    assert_eq!(lines(&report), [ROOT]);
    assert!(!report.is_clean());

    let (place, difference) = ROOT.split_once(": ").unwrap();
    let listed = check(
        |m| {
            m["deviations"] = json!([
                { "place": place, "difference": difference, "reason": "botocore customises it" },
                { "place": "operation Forget", "difference": "status is 200", "reason": "stale" }
            ])
        },
        |_| {},
    );
    assert!(listed.differences.is_empty(), "{:?}", lines(&listed));
    assert_eq!(listed.deliberate.len(), 1);
    assert_eq!(listed.deliberate[0].1, "botocore customises it");
    assert_eq!(listed.stale.len(), 1);
    assert_eq!(listed.stale[0].place, "operation Forget");
    assert!(!listed.is_clean(), "a stale listing fails the check");
}

/// The reference's shapes.
fn shapes(r: &mut [Value; 3]) -> &mut Value {
    &mut r[0]["shapes"]
}

/// A change to the reference.
type Edit = Box<dyn FnOnce(&mut [Value; 3])>;

#[test]
fn each_wire_difference_is_reported_by_place() {
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|r| {
                r[0]["operations"]["DropThing"] = json!({
                    "http": { "method": "DELETE", "requestUri": "/{Bucket}" },
                    "input": { "shape": "ForgetRequest" }
                })
            }),
            "operation DropThing: missing (the reference has it)",
        ),
        (
            Box::new(|r| {
                r[0]["operations"]["GetThing"]["http"]["requestUri"] = "/{Bucket}/{Key}".into()
            }),
            "operation GetThing: http is `GET /{Bucket}/{Key+}`, the reference has `GET /{Bucket}/{Key}`",
        ),
        (
            Box::new(|r| r[0]["operations"]["Forget"]["http"]["responseCode"] = 200.into()),
            "operation Forget: status is 204, the reference has 200",
        ),
        (
            Box::new(|r| {
                r[0]["operations"]["PutThing"]["httpChecksum"]["requestAlgorithmMember"] =
                    "Algo".into()
            }),
            "operation PutThing: checksum request_algorithm_member is none, the reference has Algo",
        ),
        (
            Box::new(|r| {
                r[0]["operations"]["WhereIs"]["errors"] = json!([{ "shape": "NoSuchThing" }])
            }),
            "operation WhereIs: error NoSuchThing missing (the reference has it)",
        ),
        (
            Box::new(|r| {
                r[0]["operations"]["GetThing"]["endpoint"] = json!({ "hostPrefix": "{Bucket}." })
            }),
            "operation GetThing: host prefix is ``, the reference has `{Bucket}.`",
        ),
        (
            Box::new(|r| {
                r[0]["operations"]["QueryThings"]
                    .as_object_mut()
                    .unwrap()
                    .remove("authtype");
            }),
            "operation QueryThings: unsigned_payload is true, the reference has false",
        ),
        (
            Box::new(|r| {
                r[0]["operations"]["QueryThings"]
                    .as_object_mut()
                    .unwrap()
                    .remove("staticContextParams");
            }),
            "operation QueryThings: signing_name is s3-object-lambda, the reference has none",
        ),
        (
            Box::new(|r| {
                r[0]["operations"]["ListThings"]
                    .as_object_mut()
                    .unwrap()
                    .remove("staticContextParams");
            }),
            "operation ListThings: s3_express is control_endpoint, the reference has session",
        ),
        (
            Box::new(|r| {
                r[0]["operations"]["GetThing"]["staticContextParams"] =
                    json!({ "DisableS3ExpressSessionAuth": { "value": true } })
            }),
            "operation GetThing: s3_express is session, the reference has no_session",
        ),
        (
            Box::new(|r| {
                shapes(r)["QueryThingsRequest"]["members"]["Zone"]
                    .as_object_mut()
                    .unwrap()
                    .remove("hostLabel");
            }),
            "shape QueryThingsInput, member Zone: host_label is true, the reference has false",
        ),
        (
            Box::new(|r| {
                shapes(r)["ThingEvents"]
                    .as_object_mut()
                    .unwrap()
                    .remove("eventstream")
                    .map(|_| ())
                    .unwrap_or(())
            }),
            "shape ThingEvents: event_stream is true, the reference has false",
        ),
        (
            Box::new(|r| {
                shapes(r)["PutThingRequest"]["members"]["Colour"]["locationName"] = "x-color".into()
            }),
            "shape PutThingInput, member Colour: wire name is `x-colour`, the reference has `x-color`",
        ),
        (
            Box::new(|r| {
                shapes(r)["PutThingRequest"]["members"]["Count"]["location"] = "header".into()
            }),
            "shape PutThingInput, member Count: travels in the query, the reference has a header",
        ),
        (
            Box::new(|r| shapes(r)["Since"]["timestampFormat"] = "iso8601".into()),
            "shape PutThingInput, member Since: timestamp format is unixTimestamp, the reference has iso8601",
        ),
        (
            Box::new(|r| shapes(r)["Secret"]["sensitive"] = false.into()),
            "shape PutThingInput, member Secret: sensitive is true, the reference has false",
        ),
        (
            Box::new(|r| shapes(r)["Version"]["type"] = "integer".into()),
            "shape PutThingOutput, member Version: type is long, the reference has integer",
        ),
        (
            Box::new(|r| {
                shapes(r)["Colour"]["enum"] =
                    json!(["RED", "light-blue", "STANDARD_IA", "us-east-1", "GREEN"])
            }),
            "shape Colour: value `GREEN` missing (the reference has it)",
        ),
        (
            Box::new(|r| shapes(r)["Colour"]["enum"] = json!(["RED", "light-blue", "STANDARD_IA"])),
            "shape Colour: value `us-east-1` not in the reference",
        ),
        (
            Box::new(|r| shapes(r)["Thing"]["required"] = json!([])),
            "shape Thing, member Name: required is true, the reference has false",
        ),
        (
            Box::new(|r| {
                shapes(r)["Thing"]["members"]
                    .as_object_mut()
                    .unwrap()
                    .shift_remove("Grantee");
            }),
            "shape Thing, member Grantee: not in the reference",
        ),
        (
            Box::new(|r| shapes(r)["Thing"]["members"]["Size"] = json!({ "shape": "Count" })),
            "shape Thing, member Size: missing (the reference has it, of shape Count)",
        ),
        (
            Box::new(|r| {
                let members = shapes(r)["Item"]["members"].as_object_mut().unwrap();
                let id = members.shift_remove("Id").unwrap();
                members.insert("Id".into(), id);
            }),
            "shape Item: elements are in the order [Id, Seen], the reference has [Seen, Id]",
        ),
        (
            Box::new(|r| shapes(r)["Parts"]["member"]["locationName"] = "Piece".into()),
            "shape Thing, member Parts: item name is `Part`, the reference has `Piece`",
        ),
        (
            Box::new(|r| shapes(r)["Flags"]["flattened"] = false.into()),
            "shape Thing, member Flags: flattened is true, the reference has false",
        ),
        (
            Box::new(|r| {
                shapes(r)["Grantee"]
                    .as_object_mut()
                    .unwrap()
                    .shift_remove("xmlNamespace");
            }),
            "shape Grantee: XML namespace is xsi=http://www.w3.org/2001/XMLSchema-instance, the reference has none",
        ),
        (
            Box::new(|r| shapes(r)["Grantee"]["members"]["Type"]["xmlAttribute"] = false.into()),
            "shape Grantee, member Type: travels in an XML attribute, the reference has an XML element",
        ),
        (
            Box::new(|r| shapes(r)["NoSuchThing"]["error"]["httpStatusCode"] = 400.into()),
            "shape NoSuchThing: error status is 404, the reference has 400",
        ),
        (
            Box::new(|r| shapes(r)["Body"]["streaming"] = false.into()),
            // The member still says it streams, as botocore's GetObject does.
            "",
        ),
        (
            Box::new(|r| r[1]["pagination"]["ListThings"]["limit_key"] = "MaxThings".into()),
            "operation ListThings: paginator limit_key is Limit, the reference has MaxThings",
        ),
        (
            Box::new(|r| {
                r[1]["pagination"]["ListThings"]["output_token"] =
                    "NextToken || Items[-1].Id".into()
            }),
            "operation ListThings: paginator fallback_token is none, the reference has Items.Id",
        ),
        (
            Box::new(|r| r[2]["waiters"]["PlaceKnown"]["delay"] = 5.into()),
            "waiter PlaceKnown: delay is 2, the reference has 5",
        ),
        (
            Box::new(|r| r[2]["waiters"]["PlaceKnown"]["acceptors"][1]["expected"] = 403.into()),
            "waiter PlaceKnown: acceptors are [success: path Place = here, retry: status 404, failure: error NoSuchThing], \
             the reference has [success: path Place = here, retry: status 403, failure: error NoSuchThing]",
        ),
        (
            Box::new(|r| {
                r[2]["waiters"]["ThingGone"] = json!({ "operation": "GetThing", "delay": 5, "maxAttempts": 20, "acceptors": [] })
            }),
            "waiter ThingGone: missing (the reference has it, on GetThing)",
        ),
    ];
    for (edit, expected) in cases {
        let report = check(|_| {}, edit);
        let mut expected_lines = vec![ROOT.to_string()];
        if !expected.is_empty() {
            expected_lines.push(expected.to_string());
        }
        expected_lines.sort();
        assert_eq!(lines(&report), expected_lines, "expected: {expected}");
    }
}
