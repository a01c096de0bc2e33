//! The sandbox serving a documented malformed payload by name, for one instance only: the
//! adapter of that instance refuses it cleanly while the other instances answer as usual.

use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{OrderQuery, Region};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::OrderBackend;
use supportgraph_adapters::sandbox::{FaultSpec, SandboxError, SandboxHandle};

use crate::{client, sandbox};

fn orders(sandbox: &SandboxHandle, region: Region) -> HttpOrderBackend {
    let instance = supportgraph_adapters::order_status::instance_name(region);
    HttpOrderBackend::new(client(sandbox, instance), region)
}

fn malformed(name: &str) -> FaultSpec {
    FaultSpec {
        malformed: Some(name.into()),
        ..FaultSpec::default()
    }
}

#[tokio::test]
async fn overflowing_amounts_are_refused_for_that_region_only() {
    let sandbox = sandbox().await;
    sandbox
        .set_fault("order-status/emea", malformed("overflowing-amounts"))
        .expect("a documented payload");
    let query = |customer: &str| OrderQuery {
        customer_numbers: vec![customer.into()],
        limit: 10,
        ..OrderQuery::default()
    };
    match orders(&sandbox, Region::Emea)
        .list_orders(&query("4400201"))
        .await
    {
        Err(AdapterError::Decode { backend, detail }) => {
            assert_eq!(backend, "order-status/emea");
            assert!(detail.contains("does not fit"), "{detail}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let americas = orders(&sandbox, Region::Americas)
        .list_orders(&query("1000101"))
        .await
        .expect("the other regions answer as usual");
    assert_eq!(americas.orders.len(), 10);
}

#[tokio::test]
async fn an_unknown_or_doubled_malformed_payload_is_refused() {
    let sandbox = sandbox().await;
    assert!(matches!(
        sandbox.set_fault("order-status/emea", malformed("not-xml")),
        Err(SandboxError::UnknownMalformed { .. })
    ));
    assert!(matches!(
        sandbox.set_fault("identity", malformed("overflowing-amounts")),
        Err(SandboxError::UnknownMalformed { .. })
    ));
    let both = FaultSpec {
        replace_body: Some("{}".into()),
        ..malformed("overflowing-amounts")
    };
    assert!(matches!(
        sandbox.set_fault("order-status/ap", both),
        Err(SandboxError::TwoBodies(_))
    ));
}
