//! Watermarks without blocking: many partitions in one round of ListOffsets, or the
//! values librdkafka already learnt from its fetch responses.

use std::collections::HashMap;
use std::ffi::CStr;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::{Offset, TopicPartitionList};

/// Partitions asked about in one ListOffsets round: librdkafka sends each leader one
/// request for its share of a round, so no request carries more than this many however
/// many topics a cluster has.
pub const BATCH: usize = 500;
/// Rounds in flight at once (each waits on the network, not on a core).
const ROUNDS_AT_ONCE: usize = 4;

/// The earliest or latest offset (`Offset::Beginning` / `Offset::End`) of each
/// partition that answered: rounds of at most [`BATCH`] partitions, a few at a time, so
/// one that fails or times out loses only its own partitions (blocking).
fn query<C: ConsumerContext + 'static>(
    consumer: &BaseConsumer<C>,
    partitions: &[(&str, i32)],
    at: Offset,
    timeout: Duration,
) -> HashMap<(String, i32), i64> {
    let mut out = HashMap::with_capacity(partitions.len());
    let batches: Vec<&[(&str, i32)]> = partitions.chunks(BATCH).collect();
    for wave in batches.chunks(ROUNDS_AT_ONCE) {
        std::thread::scope(|scope| {
            let running: Vec<_> = wave
                .iter()
                .map(|batch| scope.spawn(move || query_round(consumer, batch, at, timeout)))
                .collect();
            for round in running {
                out.extend(round.join().unwrap_or_default());
            }
        });
    }
    out
}

/// One ListOffsets round for these partitions, sent to every leader at once (blocking).
fn query_round<C: ConsumerContext + 'static>(
    consumer: &BaseConsumer<C>,
    partitions: &[(&str, i32)],
    at: Offset,
    timeout: Duration,
) -> HashMap<(String, i32), i64> {
    let mut tpl = TopicPartitionList::new();
    for (t, p) in partitions {
        let _ = tpl.add_partition_offset(t, *p, at);
    }
    // A special offset as the "time" asks for the earliest or latest offset.
    consumer
        .offsets_for_times(tpl, timeout)
        .map(|r| {
            r.elements()
                .iter()
                .filter(|e| e.error().is_ok())
                .filter_map(|e| match e.offset() {
                    Offset::Offset(o) => Some(((e.topic().to_string(), e.partition()), o)),
                    _ => None,
                })
                .collect::<HashMap<_, _>>()
        })
        .unwrap_or_default()
}

/// Low and high watermarks of many partitions: two ListOffsets rounds (earliest, latest),
/// each sent to every leader at once, so a slow or dead broker costs one timeout, not one
/// per partition (blocking).
pub fn read<C: ConsumerContext + 'static>(
    consumer: &BaseConsumer<C>,
    partitions: &[(&str, i32)],
    timeout: Duration,
) -> HashMap<(String, i32), (i64, i64)> {
    if partitions.is_empty() {
        return HashMap::new();
    }
    let lows = query(consumer, partitions, Offset::Beginning, timeout);
    let highs = query(consumer, partitions, Offset::End, timeout);
    lows.into_iter()
        .filter_map(|(k, low)| highs.get(&k).map(|high| (k, (low, *high))))
        .collect()
}

/// High watermarks only (what lag needs): one ListOffsets round (blocking).
pub fn highs(
    consumer: &BaseConsumer,
    partitions: &[(&str, i32)],
    timeout: Duration,
) -> HashMap<(String, i32), i64> {
    if partitions.is_empty() {
        return HashMap::new();
    }
    query(consumer, partitions, Offset::End, timeout)
}

/// The watermarks librdkafka took from its last fetch response for this partition (every
/// FetchResponse carries the high watermark, v5+ the log start offset too); no request
/// is made. `None` until a fetch of that partition has answered; the low watermark is
/// `None` when the response did not carry it.
pub fn cached(consumer: &BaseConsumer, topic: &CStr, partition: i32) -> Option<(Option<i64>, i64)> {
    let (mut low, mut high) = (-1i64, -1i64);
    // SAFETY: the client pointer is valid while `consumer` lives, `topic` is a valid C
    // string, and librdkafka only writes the two integers behind the out-pointers.
    let err = unsafe {
        rdkafka::bindings::rd_kafka_get_watermark_offsets(
            consumer.client().native_ptr(),
            topic.as_ptr(),
            partition,
            &mut low,
            &mut high,
        )
    };
    (err == rdkafka::bindings::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0)
        .then_some(((low >= 0).then_some(low), high))
}
