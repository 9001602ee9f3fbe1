//! The composer's partition prediction equals where librdkafka really puts the message,
//! for 1,000 random keys on a 6-partition topic, for both partitioners.

mod common;

use std::time::Duration;

use kafka_dash::kafka::partitioner::Partitioner;
use rand::{Rng, SeedableRng};
use rdkafka::producer::{FutureProducer, FutureRecord};

#[tokio::test(flavor = "multi_thread")]
async fn prediction_matches_real_partition_for_1000_keys() {
    let b = common::broker().await;
    b.create_topic("six", 6).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let keys: Vec<Vec<u8>> = (0..1_000)
        .map(|_| {
            let len = rng.gen_range(1..40);
            (0..len).map(|_| rng.gen()).collect()
        })
        .collect();
    for partitioner in [Partitioner::ConsistentRandom, Partitioner::Murmur2Random] {
        let producer: FutureProducer = common::client(&b)
            .set("partitioner", partitioner.config_name())
            .set("linger.ms", "0")
            .create()
            .unwrap();
        let sends = keys.iter().map(|k| {
            producer.send(
                FutureRecord::<[u8], str>::to("six")
                    .key(&k[..])
                    .payload("v"),
                Duration::from_secs(10),
            )
        });
        let deliveries = futures::future::join_all(sends).await;
        let mut used = std::collections::BTreeSet::new();
        for (key, d) in keys.iter().zip(deliveries) {
            let real = d.expect("delivered").partition;
            assert_eq!(
                partitioner.partition(Some(key), 6),
                Some(real),
                "{} for key {key:02x?}",
                partitioner.config_name()
            );
            used.insert(real);
        }
        assert_eq!(used.len(), 6, "random keys reach every partition");
    }
}
