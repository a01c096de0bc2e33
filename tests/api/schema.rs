//! The checked-in SDL, plain and as a Federation v2 subgraph, must match the code.

#[test]
fn the_checked_in_schema_matches_the_code() {
    let checked_in = std::fs::read_to_string("schema/supportgraph.graphql")
        .expect("schema/supportgraph.graphql exists");
    let current = supportgraph::graphql::sdl();
    assert!(
        checked_in == current,
        "schema/supportgraph.graphql is out of date: run `cargo run -- schema > schema/supportgraph.graphql` and commit it"
    );
}

#[test]
fn the_checked_in_subgraph_schema_matches_the_code() {
    let checked_in = std::fs::read_to_string("schema/supportgraph.subgraph.graphql")
        .expect("schema/supportgraph.subgraph.graphql exists");
    let current = supportgraph::graphql::subgraph_sdl();
    assert!(
        checked_in == current,
        "schema/supportgraph.subgraph.graphql is out of date: run `cargo run -- schema --federation > schema/supportgraph.subgraph.graphql` and commit it"
    );
}
