//! Reading and trimming partition logs: Fetch (long-polling), ListOffsets,
//! OffsetForLeaderEpoch, DeleteRecords.

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::delete_records_response::{
    DeleteRecordsPartitionResult, DeleteRecordsTopicResult,
};
use kafka_protocol::messages::fetch_response::{FetchableTopicResponse, PartitionData};
use kafka_protocol::messages::list_offsets_response::{
    ListOffsetsPartitionResponse, ListOffsetsTopicResponse,
};
use kafka_protocol::messages::offset_for_leader_epoch_response::{
    EpochEndOffset, OffsetForLeaderTopicResult,
};
use kafka_protocol::messages::*;
use kafka_protocol::records::{
    Compression, RecordBatchDecoder, RecordBatchEncoder, RecordEncodeOptions,
};

use super::Ctx;
use crate::acl::{op, resource};

/// Fetch: answers as soon as `min_bytes` are there, or when `max_wait_ms` runs out.
pub(crate) async fn fetch(ctx: &Ctx<'_>, req: FetchRequest) -> FetchResponse {
    let deadline = Instant::now() + Duration::from_millis(req.max_wait_ms.max(0) as u64);
    let mut appended = ctx.shared.appended.subscribe();
    loop {
        appended.borrow_and_update();
        let (resp, bytes, errors) = build_fetch(ctx, &req);
        if errors || bytes >= req.min_bytes.max(1) as usize || Instant::now() >= deadline {
            return resp;
        }
        let wait = tokio::time::timeout_at(deadline.into(), appended.changed()).await;
        if matches!(wait, Ok(Err(_))) {
            return resp;
        }
    }
}

fn build_fetch(ctx: &Ctx<'_>, req: &FetchRequest) -> (FetchResponse, usize, bool) {
    let v = ctx.version;
    let topics = &ctx.shared.topics;
    let mut budget = if v >= 3 {
        req.max_bytes.max(0) as usize
    } else {
        usize::MAX
    };
    let mut total = 0usize;
    let mut errors = false;
    let responses = req
        .topics
        .iter()
        .map(|ft| {
            let topic = if v >= 13 {
                topics.get_by_id(ft.topic_id)
            } else {
                topics.get(ft.topic.as_str())
            };
            let readable = topic
                .as_ref()
                .is_none_or(|t| ctx.allowed(op::READ, resource::TOPIC, &t.name));
            let unknown = if v >= 13 {
                ResponseError::UnknownTopicId.code()
            } else {
                ResponseError::UnknownTopicOrPartition.code()
            };
            let partitions = ft
                .partitions
                .iter()
                .map(|fp| {
                    let mut pd = PartitionData::default().with_partition_index(fp.partition);
                    if !readable {
                        errors = true;
                        return pd
                            .with_error_code(ResponseError::TopicAuthorizationFailed.code())
                            .with_high_watermark(-1);
                    }
                    let Some(log) = topic.as_ref().and_then(|t| t.partition(fp.partition)) else {
                        errors = true;
                        return pd.with_error_code(unknown).with_high_watermark(-1);
                    };
                    if v >= 9 && fp.current_leader_epoch > 0 {
                        errors = true;
                        return pd
                            .with_error_code(ResponseError::UnknownLeaderEpoch.code())
                            .with_high_watermark(-1);
                    }
                    let log = log.lock().unwrap_or_else(|e| e.into_inner());
                    let (hw, start) = (log.high_watermark(), log.log_start());
                    pd.high_watermark = hw;
                    if v >= 4 {
                        pd.last_stable_offset = hw;
                    }
                    if v >= 5 {
                        pd.log_start_offset = start;
                    }
                    if fp.fetch_offset < start || fp.fetch_offset > hw {
                        errors = true;
                        pd.error_code = ResponseError::OffsetOutOfRange.code();
                        return pd;
                    }
                    let limit = (fp.partition_max_bytes.max(0) as usize).min(budget);
                    let records = if limit == 0 || fp.fetch_offset == hw {
                        BytesMut::new()
                    } else {
                        log.read(fp.fetch_offset, limit)
                    };
                    drop(log);
                    budget = budget.saturating_sub(records.len());
                    total += records.len();
                    let records = if v < 4 {
                        down_convert(records.freeze(), if v < 2 { 0 } else { 1 })
                    } else {
                        records.freeze()
                    };
                    pd.records = Some(records);
                    pd
                })
                .collect();
            let mut t = FetchableTopicResponse::default().with_partitions(partitions);
            if v >= 13 {
                t.topic_id = ft.topic_id;
            } else {
                t.topic = ft.topic.clone();
            }
            t
        })
        .collect();
    (
        FetchResponse::default().with_responses(responses),
        total,
        errors,
    )
}

/// Fetch v0-3 clients only read message format v0/v1: convert, as Kafka does (headers are lost).
fn down_convert(mut v2: Bytes, magic: i8) -> Bytes {
    if v2.is_empty() {
        return v2;
    }
    let Ok(sets) = RecordBatchDecoder::decode_all(&mut v2) else {
        return Bytes::new();
    };
    let records: Vec<_> = sets
        .into_iter()
        .flat_map(|s| s.records)
        .filter(|r| !r.control)
        .collect();
    let mut out = BytesMut::new();
    let options = RecordEncodeOptions {
        version: magic,
        compression: Compression::None,
    };
    match RecordBatchEncoder::encode(&mut out, records.iter(), &options) {
        Ok(()) => out.freeze(),
        Err(_) => Bytes::new(),
    }
}

/// ListOffsets: earliest (-2), latest (-1), max timestamp (-3), or by time.
pub(crate) fn list_offsets(ctx: &Ctx<'_>, req: ListOffsetsRequest) -> ListOffsetsResponse {
    let v = ctx.version;
    let topics = req
        .topics
        .into_iter()
        .map(|lt| {
            let topic = ctx.shared.topics.get(lt.name.as_str());
            let describable = ctx.allowed(op::DESCRIBE, resource::TOPIC, lt.name.as_str());
            let partitions = lt
                .partitions
                .into_iter()
                .map(|lp| {
                    let mut r = ListOffsetsPartitionResponse::default()
                        .with_partition_index(lp.partition_index);
                    if !describable {
                        return r.with_error_code(ResponseError::TopicAuthorizationFailed.code());
                    }
                    let Some(log) = topic.as_ref().and_then(|t| t.partition(lp.partition_index))
                    else {
                        return r.with_error_code(ResponseError::UnknownTopicOrPartition.code());
                    };
                    if v >= 4 && lp.current_leader_epoch > 0 {
                        return r.with_error_code(ResponseError::UnknownLeaderEpoch.code());
                    }
                    let log = log.lock().unwrap_or_else(|e| e.into_inner());
                    let (offset, timestamp) = match lp.timestamp {
                        -1 => (log.high_watermark(), -1),
                        -2 => (log.log_start(), -1),
                        -3 => log.max_timestamp().unwrap_or((-1, -1)),
                        ts => log.offset_for_timestamp(ts).unwrap_or((-1, -1)),
                    };
                    if v == 0 {
                        r.old_style_offsets = if offset >= 0 { vec![offset] } else { vec![] };
                    } else {
                        r.offset = offset;
                        r.timestamp = timestamp;
                    }
                    if v >= 4 {
                        r.leader_epoch = 0;
                    }
                    r
                })
                .collect();
            ListOffsetsTopicResponse::default()
                .with_name(lt.name)
                .with_partitions(partitions)
        })
        .collect();
    ListOffsetsResponse::default().with_topics(topics)
}

/// OffsetForLeaderEpoch (KIP-320): every record here is in leader epoch 0.
pub(crate) fn offset_for_leader_epoch(
    ctx: &Ctx<'_>,
    req: OffsetForLeaderEpochRequest,
) -> OffsetForLeaderEpochResponse {
    let v = ctx.version;
    let topics = req
        .topics
        .into_iter()
        .map(|t| {
            let topic = ctx.shared.topics.get(t.topic.as_str());
            let partitions = t
                .partitions
                .into_iter()
                .map(|p| {
                    let mut r = EpochEndOffset::default().with_partition(p.partition);
                    let Some(log) = topic.as_ref().and_then(|t| t.partition(p.partition)) else {
                        return r.with_error_code(ResponseError::UnknownTopicOrPartition.code());
                    };
                    if v >= 2 && p.current_leader_epoch > 0 {
                        return r.with_error_code(ResponseError::UnknownLeaderEpoch.code());
                    }
                    if p.leader_epoch > 0 {
                        r.end_offset = -1;
                        if v >= 1 {
                            r.leader_epoch = -1;
                        }
                        return r;
                    }
                    r.end_offset = log
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .high_watermark();
                    if v >= 1 {
                        r.leader_epoch = 0;
                    }
                    r
                })
                .collect();
            OffsetForLeaderTopicResult::default()
                .with_topic(t.topic)
                .with_partitions(partitions)
        })
        .collect();
    OffsetForLeaderEpochResponse::default().with_topics(topics)
}

/// DeleteRecords: moves each partition's log start offset forward.
pub(crate) fn delete_records(ctx: &Ctx<'_>, req: DeleteRecordsRequest) -> DeleteRecordsResponse {
    let topics = req
        .topics
        .into_iter()
        .map(|t| {
            let topic = ctx.shared.topics.get(t.name.as_str());
            let partitions = t
                .partitions
                .into_iter()
                .map(|p| {
                    let r = DeleteRecordsPartitionResult::default()
                        .with_partition_index(p.partition_index)
                        .with_low_watermark(-1);
                    let Some(log) = topic.as_ref().and_then(|t| t.partition(p.partition_index))
                    else {
                        return r.with_error_code(ResponseError::UnknownTopicOrPartition.code());
                    };
                    let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                    match log.delete_before(p.offset) {
                        Some(low) => r.with_low_watermark(low),
                        None => r.with_error_code(ResponseError::OffsetOutOfRange.code()),
                    }
                })
                .collect();
            DeleteRecordsTopicResult::default()
                .with_name(t.name)
                .with_partitions(partitions)
        })
        .collect();
    DeleteRecordsResponse::default().with_topics(topics)
}
