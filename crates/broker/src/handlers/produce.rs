//! Produce and InitProducerId.

use std::sync::atomic::Ordering;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::produce_response::{
    BatchIndexAndErrorMessage, PartitionProduceResponse, TopicProduceResponse,
};
use kafka_protocol::messages::*;

use super::{now_ms, sb, Ctx};
use crate::acl::{op, resource};
use crate::log::Appended;
use crate::records::{parse_produce_payload, record_summaries, IncomingBatch, RecordsError};

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
            let writable = ctx.allowed(op::WRITE, resource::TOPIC, topic.name.as_str());
            let partitions = topic
                .partition_data
                .into_iter()
                .map(|pd| {
                    if !acks_ok {
                        return partition_error(pd.index, 21, None, v);
                    }
                    if !writable {
                        return partition_error(pd.index, ResponseError::TopicAuthorizationFailed.code(), None, v);
                    }
                    let Some((topic, log)) = found
                        .as_ref()
                        .and_then(|t| t.partition(pd.index).map(|log| (t, log)))
                    else {
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
                    let max = topic.max_message_bytes();
                    if let Some(big) = batches.iter().find(|b| b.data.len() > max) {
                        let msg = format!(
                            "The request included message batch larger than the configured segment size on the server: {} bytes, the maximum is {max}",
                            big.data.len()
                        );
                        return partition_error(pd.index, ResponseError::MessageTooLarge.code(), Some(msg), v);
                    }
                    if batches.iter().any(|b| b.is_control()) {
                        return partition_error(
                            pd.index,
                            ResponseError::InvalidRecord.code(),
                            Some("clients may not write control batches".into()),
                            v,
                        );
                    }
                    if topic.compacted() {
                        let place = format!("{}-{}", topic.name, pd.index);
                        if let Some(refused) = records_without_key(&batches, &place, pd.index, v) {
                            return refused;
                        }
                    }
                    let append_time = topic
                        .log_append_time()
                        .unwrap_or(shared.config.log_append_time)
                        .then(now_ms);
                    let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                    let base = match log.append(batches, append_time) {
                        Ok(Appended::New(base)) => {
                            appended = true;
                            base
                        }
                        Ok(Appended::Duplicate(base)) => base,
                        Err(refused) => {
                            return partition_error(pd.index, refused.code, Some(refused.message), v)
                        }
                    };
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

/// Kafka refuses records without a key on a compacted topic, the whole batch failing
/// with INVALID_RECORD and one record error per keyless record (KIP-467).
fn records_without_key(
    batches: &[IncomingBatch],
    place: &str,
    index: i32,
    v: i16,
) -> Option<PartitionProduceResponse> {
    let why =
        format!("Compacted topic cannot accept message without key in topic partition {place}.");
    let mut errors = Vec::new();
    for b in batches {
        let Some(records) = record_summaries(&b.data) else {
            return Some(partition_error(
                index,
                2,
                Some("corrupt record batch".into()),
                v,
            ));
        };
        errors.extend(
            records
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.has_key)
                .map(|(i, _)| i as i32),
        );
    }
    if errors.is_empty() {
        return None;
    }
    let summary = format!(
        "One or more records have been rejected due to {} record errors in total, and only showing the first three errors at most: [{}]",
        errors.len(),
        errors
            .iter()
            .take(3)
            .map(|i| format!("RecordError(batchIndex={i}, message='{why}')"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut p = partition_error(index, ResponseError::InvalidRecord.code(), Some(summary), v);
    if v >= 8 {
        p.record_errors = errors
            .into_iter()
            .map(|i| {
                BatchIndexAndErrorMessage::default()
                    .with_batch_index(i)
                    .with_batch_index_error_message(Some(sb(why.clone())))
            })
            .collect();
    }
    Some(p)
}

/// InitProducerId: hands out producer ids for idempotent producers (no transactions).
pub(crate) fn init_producer_id(
    ctx: &Ctx<'_>,
    req: InitProducerIdRequest,
) -> InitProducerIdResponse {
    if req.transactional_id.is_some() {
        // Transactions are not implemented, and their APIs are not advertised.
        return InitProducerIdResponse::default()
            .with_error_code(ResponseError::TransactionalIdAuthorizationFailed.code())
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
