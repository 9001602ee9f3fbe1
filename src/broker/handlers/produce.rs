//! Produce and InitProducerId.

use std::sync::atomic::Ordering;

use kafka_protocol::messages::produce_response::{PartitionProduceResponse, TopicProduceResponse};
use kafka_protocol::messages::*;

use super::{now_ms, sb, Ctx};
use crate::broker::records::{parse_produce_payload, RecordsError};

/// Kafka's default `message.max.bytes`: the largest batch a partition accepts.
const MAX_BATCH_BYTES: usize = 1_048_588;

fn partition_error(
    index: i32,
    code: i16,
    message: Option<String>,
    version: i16,
) -> PartitionProduceResponse {
    let mut p = PartitionProduceResponse::default()
        .with_index(index)
        .with_error_code(code)
        .with_base_offset(-1);
    if version >= 8 {
        p.error_message = message.map(sb);
    }
    p
}

/// Produce: validate, append, answer with base offsets.
pub(crate) fn produce(ctx: &Ctx<'_>, req: ProduceRequest) -> ProduceResponse {
    let shared = ctx.shared;
    let v = ctx.version;
    let acks_ok = (-1..=1).contains(&req.acks);
    let mut appended = false;
    let responses = req
        .topic_data
        .into_iter()
        .map(|topic| {
            let found = shared.topics.get(topic.name.as_str());
            let partitions = topic
                .partition_data
                .into_iter()
                .map(|pd| {
                    if !acks_ok {
                        return partition_error(pd.index, 21, None, v);
                    }
                    let Some(log) = found.as_ref().and_then(|t| t.partition(pd.index)) else {
                        return partition_error(pd.index, 3, None, v);
                    };
                    let Some(payload) = pd.records else {
                        return partition_error(pd.index, 2, Some("no records".into()), v);
                    };
                    let batches = match parse_produce_payload(payload) {
                        Ok(b) => b,
                        Err(e @ RecordsError::Unsupported(_)) => {
                            return partition_error(pd.index, 2, Some(e.to_string()), v)
                        }
                        Err(e) => return partition_error(pd.index, 2, Some(e.to_string()), v),
                    };
                    if let Some(big) = batches.iter().find(|b| b.data.len() > MAX_BATCH_BYTES) {
                        let msg = format!(
                            "batch of {} bytes is larger than the maximum {MAX_BATCH_BYTES}",
                            big.data.len()
                        );
                        return partition_error(pd.index, 10, Some(msg), v);
                    }
                    if batches.iter().any(|b| b.is_control()) {
                        return partition_error(
                            pd.index,
                            87,
                            Some("clients may not write control batches".into()),
                            v,
                        );
                    }
                    let append_time = shared.config.log_append_time.then(now_ms);
                    let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                    let base = log.append(batches, append_time);
                    appended = true;
                    let mut p = PartitionProduceResponse::default()
                        .with_index(pd.index)
                        .with_base_offset(base);
                    if v >= 2 {
                        p.log_append_time_ms = append_time.unwrap_or(-1);
                    }
                    if v >= 5 {
                        p.log_start_offset = log.log_start();
                    }
                    p
                })
                .collect();
            TopicProduceResponse::default()
                .with_name(topic.name)
                .with_partition_responses(partitions)
        })
        .collect();
    if appended {
        shared.appended.send_modify(|n| *n = n.wrapping_add(1));
    }
    ProduceResponse::default().with_responses(responses)
}

/// InitProducerId: hands out producer ids for idempotent producers (no transactions).
pub(crate) fn init_producer_id(
    ctx: &Ctx<'_>,
    req: InitProducerIdRequest,
) -> InitProducerIdResponse {
    if req.transactional_id.is_some() {
        // Transactions are not implemented, and their APIs are not advertised.
        return InitProducerIdResponse::default()
            .with_error_code(53)
            .with_producer_id(ProducerId(-1));
    }
    if ctx.version >= 3 && req.producer_id.0 >= 0 {
        let epoch = req.producer_epoch.saturating_add(1);
        return InitProducerIdResponse::default()
            .with_producer_id(req.producer_id)
            .with_producer_epoch(epoch);
    }
    let id = ctx.shared.next_producer_id.fetch_add(1, Ordering::Relaxed);
    InitProducerIdResponse::default()
        .with_producer_id(ProducerId(id))
        .with_producer_epoch(0)
}
