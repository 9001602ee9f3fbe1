//! A group's committed offsets, read with librdkafka's ListConsumerGroupOffsets admin call
//! on the watcher's one client (an OffsetFetch to the group's coordinator). Reading with
//! a consumer per group would need a client — threads, connections — for every group.

use std::ffi::{CStr, CString};
use std::time::Duration;

use rdkafka::bindings as sys;
use rdkafka::consumer::BaseConsumer;
use rdkafka::TopicPartitionList;

/// One partition's committed offset (`None`: the group has committed none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// Committed offset.
    pub offset: Option<i64>,
}

/// Frees what librdkafka gave us, whichever way the call ends.
struct Owned {
    queue: *mut sys::rd_kafka_queue_t,
    event: *mut sys::rd_kafka_event_t,
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: each pointer is null or was returned by librdkafka and not yet freed.
        unsafe {
            if !self.event.is_null() {
                sys::rd_kafka_event_destroy(self.event);
            }
            if !self.queue.is_null() {
                sys::rd_kafka_queue_destroy(self.queue);
            }
        }
    }
}

/// Committed offsets of `group` for `partitions`, or for every partition it has
/// committed when `partitions` is `None` (blocking up to `timeout`). `client` must have a
/// `group.id` of its own: librdkafka 2.12 crashes on a NOT_COORDINATOR answer otherwise.
pub fn committed(
    client: &BaseConsumer,
    group: &str,
    partitions: Option<&TopicPartitionList>,
    timeout: Duration,
) -> Result<Vec<Committed>, String> {
    use rdkafka::consumer::Consumer;
    let c_group = CString::new(group).map_err(|_| format!("group {group:?} holds a NUL"))?;
    let rk = client.client().native_ptr();
    let timeout_ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: `rk` lives as long as `client`; every object created here is either handed
    // to librdkafka (which copies what it needs during the call) and destroyed right
    // after, or owned by `Owned` and freed on return. Result pointers are read only while
    // the event that owns them is alive.
    unsafe {
        let mut owned = Owned {
            queue: sys::rd_kafka_queue_new(rk),
            event: std::ptr::null_mut(),
        };
        let options = sys::rd_kafka_AdminOptions_new(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
        );
        let mut errstr = [0 as std::os::raw::c_char; 256];
        sys::rd_kafka_AdminOptions_set_request_timeout(
            options,
            timeout_ms,
            errstr.as_mut_ptr(),
            errstr.len(),
        );
        let tpl = partitions.map_or(std::ptr::null(), |p| p.ptr() as *const _);
        let mut request = sys::rd_kafka_ListConsumerGroupOffsets_new(c_group.as_ptr(), tpl);
        sys::rd_kafka_ListConsumerGroupOffsets(rk, &mut request, 1, options, owned.queue);
        sys::rd_kafka_ListConsumerGroupOffsets_destroy(request);
        sys::rd_kafka_AdminOptions_destroy(options);
        // The request timeout answers on the queue; wait a little past it.
        owned.event = sys::rd_kafka_queue_poll(owned.queue, timeout_ms.saturating_add(500));
        if owned.event.is_null() {
            return Err(format!("offsets of {group}: no answer within {timeout:?}"));
        }
        if sys::rd_kafka_event_error(owned.event)
            != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
        {
            let why = CStr::from_ptr(sys::rd_kafka_event_error_string(owned.event));
            return Err(format!("offsets of {group}: {}", why.to_string_lossy()));
        }
        let result = sys::rd_kafka_event_ListConsumerGroupOffsets_result(owned.event);
        if result.is_null() {
            return Err(format!("offsets of {group}: unexpected answer"));
        }
        let mut count = 0usize;
        let groups = sys::rd_kafka_ListConsumerGroupOffsets_result_groups(result, &mut count);
        if count == 0 || groups.is_null() {
            return Ok(Vec::new());
        }
        let g = *groups;
        let error = sys::rd_kafka_group_result_error(g);
        if !error.is_null() {
            let why = CStr::from_ptr(sys::rd_kafka_error_string(error));
            return Err(format!("offsets of {group}: {}", why.to_string_lossy()));
        }
        let list = sys::rd_kafka_group_result_partitions(g);
        if list.is_null() {
            return Ok(Vec::new());
        }
        let list = &*list;
        let elems = if list.cnt > 0 && !list.elems.is_null() {
            std::slice::from_raw_parts(list.elems, list.cnt as usize)
        } else {
            &[]
        };
        Ok(elems
            .iter()
            .filter(|e| !e.topic.is_null())
            .map(|e| Committed {
                topic: CStr::from_ptr(e.topic).to_string_lossy().into_owned(),
                partition: e.partition,
                // Negative offsets are librdkafka's "none" (-1001, INVALID); a partition
                // that failed is unknown too.
                offset: (e.err == sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
                    && e.offset >= 0)
                    .then_some(e.offset),
            })
            .collect())
    }
}
