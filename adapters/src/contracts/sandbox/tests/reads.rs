//! The reads: a search pages through every match once, in the listing's order, whatever the
//! sort and filter; bad queries are 400; the batch answers only the customer numbers named; the
//! feed keeps the order-status feed's rules; each version's document is a PDF whose hash is the
//! version's.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::super::demo::generate;
use super::super::life::sha256_hex;
use super::super::reads::listing;
use super::demo_numbers::{IN_REVIEW, SENT_FOR_SIGNATURE};
use super::{SEED, Sim};
use crate::model::{
    Contract, ContractFilter, ContractQuery, ContractSort, ContractSortKey, ContractStatus,
    ContractType,
};
use crate::ports::LOOKUP_BATCH;

const GLOBEX: [&str; 6] = [
    "1000101", "1000102", "4400201", "4900301", "3300401", "8100501",
];

fn query(filter: ContractFilter, sort: ContractSort, limit: u32) -> ContractQuery {
    ContractQuery {
        customer_numbers: GLOBEX.iter().map(|c| (*c).to_owned()).collect(),
        filter,
        sort,
        after: None,
        limit,
    }
}

#[tokio::test]
async fn a_search_pages_through_every_match_once_in_order() {
    let sim = Sim::start().await;
    let contracts = generate(SEED);
    let filters = [
        ContractFilter::default(),
        ContractFilter {
            statuses: vec![ContractStatus::Active, ContractStatus::Signed],
            ..ContractFilter::default()
        },
        ContractFilter {
            types: vec![ContractType::Lease, ContractType::Service],
            ends_from: Some("2027-01-01".parse().expect("a date")),
            ..ContractFilter::default()
        },
        ContractFilter {
            text: Some("MAINTENANCE".into()),
            ends_to: Some("2027-12-31".parse().expect("a date")),
            ..ContractFilter::default()
        },
    ];
    let sorts = [
        ContractSort::EndDate,
        ContractSort::EndDateDescending,
        ContractSort::RecentlyUpdated,
        ContractSort::Number,
    ];
    for filter in filters {
        for sort in sorts {
            let mut query = query(filter.clone(), sort, 3);
            let expected: Vec<String> = listing(&contracts, &query)
                .into_iter()
                .map(|c| c.contract_number.clone())
                .collect();
            assert!(!expected.is_empty(), "{filter:?}");
            let mut seen = Vec::new();
            loop {
                let body = serde_json::to_value(&query).expect("a query");
                let (code, page) = sim.post("/v1/contracts/search", &body, None).await;
                assert_eq!(code, 200, "{page}");
                assert_eq!(page["total_count"], expected.len(), "{filter:?} {sort:?}");
                let page: Vec<Contract> =
                    serde_json::from_value(page["contracts"].clone()).expect("contracts");
                assert!(page.len() <= 3);
                assert!(
                    page.iter()
                        .all(|c| filter.matches(c) && GLOBEX.contains(&c.customer_number.as_str()))
                );
                seen.extend(page.iter().map(|c| c.contract_number.clone()));
                match page.last() {
                    Some(last) if page.len() == 3 => {
                        query.after = Some(ContractSortKey::of(last, sort));
                    }
                    _ => break,
                }
            }
            assert_eq!(seen, expected, "{filter:?} {sort:?}");
            let unique: HashSet<&String> = seen.iter().collect();
            assert_eq!(unique.len(), seen.len());
        }
    }
}

#[tokio::test]
async fn a_search_lists_only_the_customer_numbers_asked_for() {
    let sim = Sim::start().await;
    let mut query = query(ContractFilter::default(), ContractSort::Number, 50);
    query.customer_numbers = vec!["4400301".into()];
    let body = serde_json::to_value(&query).expect("a query");
    let (_, page) = sim.post("/v1/contracts/search", &body, None).await;
    assert_eq!(page["total_count"], 2);
    let numbers: Vec<&Value> = page["contracts"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| &c["customer_number"])
        .collect();
    assert_eq!(numbers, [&json!("4400301"), &json!("4400301")]);
}

#[tokio::test]
async fn a_query_breaking_the_rules_is_a_bad_request() {
    let sim = Sim::start().await;
    let good = query(ContractFilter::default(), ContractSort::EndDate, 10);
    let contract = &generate(SEED)[0];
    let broken = [
        ContractQuery {
            limit: 0,
            ..good.clone()
        },
        ContractQuery {
            limit: 51,
            ..good.clone()
        },
        ContractQuery {
            customer_numbers: Vec::new(),
            ..good.clone()
        },
        ContractQuery {
            customer_numbers: vec!["12".into()],
            ..good.clone()
        },
        ContractQuery {
            after: Some(ContractSortKey::of(contract, ContractSort::Number)),
            ..good.clone()
        },
        ContractQuery {
            filter: ContractFilter {
                text: Some("  ".into()),
                ..ContractFilter::default()
            },
            ..good.clone()
        },
        ContractQuery {
            filter: ContractFilter {
                text: Some("x".repeat(201)),
                ..ContractFilter::default()
            },
            ..good.clone()
        },
    ];
    for query in broken {
        let body = serde_json::to_value(&query).expect("a query");
        assert_eq!(
            sim.post("/v1/contracts/search", &body, None).await.0,
            400,
            "{body}"
        );
    }
    let (code, _) = sim
        .post("/v1/contracts/search", &json!({ "limit": 3 }), None)
        .await;
    assert_eq!(code, 400);
}

#[tokio::test]
async fn a_batch_answers_only_the_customer_numbers_named() {
    let sim = Sim::start().await;
    let path = "/v1/contracts/batch?customers=1000101,1000201&ids=CTR-20260018,CTR-20260001,CTR-20260013,CTR-20269999";
    let (code, body) = sim.get(path).await;
    assert_eq!(code, 200);
    let numbers: Vec<&Value> = body["contracts"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| &c["contract_number"])
        .collect();
    assert_eq!(numbers, [&json!("CTR-20260001"), &json!("CTR-20260018")]);
    let many: Vec<String> = (0..=LOOKUP_BATCH)
        .map(|n| format!("CTR-2026{n:04}"))
        .collect();
    let (code, _) = sim
        .get(&format!(
            "/v1/contracts/batch?customers=1000101&ids={}",
            many.join(",")
        ))
        .await;
    assert_eq!(code, 400);
    assert_eq!(sim.get("/v1/contracts/batch?ids=CTR-20260001").await.0, 400);
}

#[tokio::test]
async fn the_feed_answers_from_now_then_each_change_once() {
    let sim = Sim::start().await;
    assert_eq!(
        sim.get("/v1/contracts/changes").await.1,
        json!({ "changes": [], "next": 0, "more": false })
    );
    for n in 0..3 {
        let comment = json!({ "kind": "COMMENT", "body": format!("Note {n}") });
        assert_eq!(sim.step(IN_REVIEW, comment, &format!("f{n}")).await.0, 200);
    }
    let (_, now) = sim.get("/v1/contracts/changes").await;
    assert_eq!(now, json!({ "changes": [], "next": 3, "more": false }));
    let (_, first) = sim.get("/v1/contracts/changes?since=0&limit=2").await;
    let seqs: Vec<&Value> = first["changes"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| &c["seq"])
        .collect();
    assert_eq!(seqs, [&json!(1), &json!(2)]);
    assert_eq!(
        (first["next"].clone(), first["more"].clone()),
        (json!(2), json!(true))
    );
    let (_, rest) = sim.get("/v1/contracts/changes?since=2").await;
    assert_eq!(rest["changes"][0]["contract_number"], IN_REVIEW);
    assert_eq!(
        (rest["next"].clone(), rest["more"].clone()),
        (json!(3), json!(false))
    );
    let (_, restarted) = sim.get("/v1/contracts/changes?since=99").await;
    assert_eq!(
        restarted,
        json!({ "changes": [], "next": 3, "more": false })
    );
    assert_eq!(
        sim.get("/v1/contracts/changes?since=0&limit=0").await.0,
        400
    );
    assert_eq!(
        sim.get("/v1/contracts/changes?since=0&limit=501").await.0,
        400
    );
}

#[tokio::test]
async fn each_versions_document_is_a_pdf_whose_hash_is_the_versions() {
    let sim = Sim::start().await;
    let contract = sim.contract("1000101", SENT_FOR_SIGNATURE).await;
    for version in [1, 2] {
        let path = format!(
            "/v1/customers/1000101/contracts/{SENT_FOR_SIGNATURE}/versions/{version}/document"
        );
        let (code, content_type, bytes) = sim.get_bytes(&path).await;
        assert_eq!((code, content_type.as_str()), (200, "application/pdf"));
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.ends_with(b"%%EOF") || bytes.ends_with(b"%%EOF\n"));
        let expected = &contract["versions"][version - 1]["document_sha256"];
        assert_eq!(json!(sha256_hex(&bytes)), *expected);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains(&format!("(Version {version})")));
        assert!(text.contains(&format!("(Contract {SENT_FOR_SIGNATURE})")));
        assert!(text.contains("/BaseFont /Helvetica"));
        assert_eq!(
            sim.get_bytes(&path).await.2,
            bytes,
            "the same bytes every time"
        );
    }
    let base = format!("/v1/customers/1000101/contracts/{SENT_FOR_SIGNATURE}/versions");
    for missing in ["3", "0", "x"] {
        assert_eq!(sim.get(&format!("{base}/{missing}/document")).await.0, 404);
    }
    let other = format!("/v1/customers/1000102/contracts/{SENT_FOR_SIGNATURE}/versions/1/document");
    assert_eq!(sim.get(&other).await.0, 404);
}
