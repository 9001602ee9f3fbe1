//! Prints every member of a consumer group with its raw consumer-protocol bytes
//! (subscription metadata and assignment) as hex, as DescribeGroups returns them.
//! The decoding tests' fixtures were recorded with it from real clients.
//!
//!     cargo run --release --example dump_group -- BOOTSTRAP GROUP

use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};

fn hex(b: Option<&[u8]>) -> String {
    b.unwrap_or_default()
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(bootstrap), Some(group)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: dump_group BOOTSTRAP GROUP");
        std::process::exit(2);
    };
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("client");
    let list = consumer
        .fetch_group_list(Some(group), Duration::from_secs(10))
        .expect("DescribeGroups");
    for g in list.groups() {
        println!(
            "group {} state {} protocol {}",
            g.name(),
            g.state(),
            g.protocol()
        );
        for m in g.members() {
            println!(
                "member {} client {} host {}",
                m.id(),
                m.client_id(),
                m.client_host()
            );
            println!("  metadata   {}", hex(m.metadata()));
            println!("  assignment {}", hex(m.assignment()));
        }
    }
}
