//! The classic coordinator's state machine against Kafka's rules, one scenario a test.

use std::time::Duration;

use super::*;

fn cfg() -> CoordinatorConfig {
    CoordinatorConfig {
        initial_rebalance_delay: Duration::ZERO,
        min_session_timeout: Duration::from_millis(6_000),
        max_session_timeout: Duration::from_secs(1_800),
    }
}

fn req(member: &str, protocols: &[&str]) -> JoinRequest {
    JoinRequest {
        group_id: "g".into(),
        member_id: member.into(),
        instance_id: None,
        client_id: "c".into(),
        client_host: "/127.0.0.1".into(),
        session_timeout: Duration::from_secs(10),
        rebalance_timeout: Duration::from_secs(30),
        protocol_type: "consumer".into(),
        protocols: protocols
            .iter()
            .map(|p| (p.to_string(), Bytes::from_static(b"meta")))
            .collect(),
        require_known_member_id: true,
    }
}

fn ready<T: std::fmt::Debug>(r: Reply<T>) -> T {
    match r {
        Reply::Ready(t) => t,
        Reply::Wait(mut rx) => rx.try_recv().expect("answered already"),
    }
}

/// The first join of an empty group: answered once the timer has run.
fn first_join(c: &Coordinator, r: JoinRequest, now: Instant) -> JoinOutcome {
    let reply = c.join(r, now);
    c.tick(now);
    ready(reply)
}

fn pending<T: std::fmt::Debug>(r: Reply<T>) -> oneshot::Receiver<T> {
    match r {
        Reply::Wait(rx) => rx,
        Reply::Ready(t) => panic!("expected to wait, got {t:?}"),
    }
}

/// Joins a new member the v4+ way (MEMBER_ID_REQUIRED, then rejoin) and returns its id.
fn new_member(c: &Coordinator, now: Instant) -> (String, Reply<JoinOutcome>) {
    let first = ready(c.join(req("", &["range"]), now));
    assert_eq!(first.error, ResponseError::MemberIdRequired.code());
    let id = first.member_id.clone();
    let reply = c.join(req(&id, &["range"]), now);
    // A first join completes from the timer, as in Kafka.
    c.tick(now);
    (id.clone(), reply)
}

fn sync_all(c: &Coordinator, gen: i32, leader: &str, members: &[&str], now: Instant) {
    let assignments = members
        .iter()
        .map(|m| (m.to_string(), Bytes::from(m.to_string())))
        .collect();
    let out = ready(c.sync("g", gen, leader, None, assignments, now));
    assert_eq!(out.error, error_codes::NONE);
    for m in members.iter().filter(|m| **m != leader) {
        assert_eq!(
            ready(c.sync("g", gen, m, None, vec![], now)).assignment,
            Bytes::from(m.to_string())
        );
    }
}

#[test]
fn first_member_becomes_leader_of_generation_one() {
    let c = Coordinator::new(cfg());
    let now = Instant::now();
    let (a, reply) = new_member(&c, now);
    let out = ready(reply);
    assert_eq!(
        (out.error, out.generation, out.leader.as_str()),
        (error_codes::NONE, 1, a.as_str())
    );
    assert_eq!(out.members.len(), 1);
    assert_eq!(out.protocol_name.as_deref(), Some("range"));
    sync_all(&c, 1, &a, &[&a], now);
    assert_eq!(c.describe("g").state, GroupState::Stable);
    assert_eq!(
        c.describe("g").members[0].assignment,
        Bytes::from(a.clone())
    );
}

#[test]
fn second_member_triggers_rebalance_heartbeat_says_rejoin() {
    let c = Coordinator::new(cfg());
    let now = Instant::now();
    let (a, reply) = new_member(&c, now);
    ready(reply);
    sync_all(&c, 1, &a, &[&a], now);
    let (b, reply_b) = new_member(&c, now);
    let mut rx_b = pending(reply_b);
    assert_eq!(c.describe("g").state, GroupState::PreparingRebalance);
    assert_eq!(
        c.heartbeat("g", 1, &a, None, now),
        ResponseError::RebalanceInProgress.code()
    );
    assert!(rx_b.try_recv().is_err(), "B waits until A rejoins");
    let out_a = ready(c.join(req(&a, &["range"]), now));
    let out_b = rx_b.try_recv().unwrap();
    assert_eq!((out_a.generation, out_b.generation), (2, 2));
    assert_eq!(out_a.members.len(), 2, "the leader gets every member");
    assert!(out_b.members.is_empty());
    assert_eq!(
        c.heartbeat("g", 1, &a, None, now),
        ResponseError::IllegalGeneration.code()
    );
    sync_all(&c, 2, &a, &[&a, &b], now);
    assert_eq!(c.heartbeat("g", 2, &b, None, now), error_codes::NONE);
}

#[test]
fn leave_rebalances_at_once_and_expiry_after_session_timeout() {
    let c = Coordinator::new(cfg());
    let t0 = Instant::now();
    let (a, r) = new_member(&c, t0);
    ready(r);
    sync_all(&c, 1, &a, &[&a], t0);
    let (b, rb) = new_member(&c, t0);
    let rx_b = pending(rb);
    ready(c.join(req(&a, &["range"]), t0));
    drop(rx_b);
    sync_all(&c, 2, &a, &[&a, &b], t0);
    // B leaves: generation 3 has only A, as soon as A rejoins.
    assert_eq!(
        c.leave("g", &[(b.clone(), None)], t0),
        vec![error_codes::NONE]
    );
    assert_eq!(c.describe("g").state, GroupState::PreparingRebalance);
    let out = ready(c.join(req(&a, &["range"]), t0));
    assert_eq!((out.generation, out.members.len()), (3, 1));
    sync_all(&c, 3, &a, &[&a], t0);
    // A stops heart-beating: removed once its 10 s session has passed, group empties.
    c.tick(t0 + Duration::from_secs(9));
    assert_eq!(c.describe("g").members.len(), 1);
    c.tick(t0 + Duration::from_secs(11));
    let d = c.describe("g");
    assert_eq!(
        (d.state, d.generation, d.members.len()),
        (GroupState::Empty, 4, 0)
    );
}

#[test]
fn member_that_does_not_rejoin_is_dropped_at_rebalance_timeout() {
    let c = Coordinator::new(cfg());
    let t0 = Instant::now();
    let (a, r) = new_member(&c, t0);
    ready(r);
    sync_all(&c, 1, &a, &[&a], t0);
    let (_b, rb) = new_member(&c, t0);
    let mut rx_b = pending(rb);
    // A keeps heart-beating but never rejoins; the 30 s rebalance timeout removes it.
    for s in [8, 16, 24] {
        let t = t0 + Duration::from_secs(s);
        assert_eq!(
            c.heartbeat("g", 1, &a, None, t),
            ResponseError::RebalanceInProgress.code()
        );
        c.tick(t);
    }
    c.tick(t0 + Duration::from_secs(29));
    assert!(rx_b.try_recv().is_err());
    c.tick(t0 + Duration::from_secs(31));
    let out = rx_b.try_recv().unwrap();
    assert_eq!((out.generation, out.members.len()), (2, 1));
}

#[test]
fn unknown_members_and_bad_timeouts_are_refused() {
    let c = Coordinator::new(cfg());
    let now = Instant::now();
    assert_eq!(
        ready(c.join(req("ghost", &["range"]), now)).error,
        ResponseError::UnknownMemberId.code()
    );
    let mut short = req("", &["range"]);
    short.session_timeout = Duration::from_millis(100);
    assert_eq!(
        ready(c.join(short, now)).error,
        ResponseError::InvalidSessionTimeout.code()
    );
    let mut no_group = req("", &["range"]);
    no_group.group_id.clear();
    assert_eq!(
        ready(c.join(no_group, now)).error,
        ResponseError::InvalidGroupId.code()
    );
    assert_eq!(
        c.heartbeat("nope", 1, "x", None, now),
        ResponseError::UnknownMemberId.code()
    );
    assert_eq!(c.describe("nope").state, GroupState::Dead);
}

#[test]
fn protocol_is_chosen_by_vote_among_common_ones() {
    let c = Coordinator::new(cfg());
    let now = Instant::now();
    let mut v3 = req("", &["roundrobin", "range"]);
    v3.require_known_member_id = false;
    let a = first_join(&c, v3.clone(), now);
    assert_eq!(a.protocol_name.as_deref(), Some("roundrobin"));
    sync_all(&c, 1, &a.member_id, &[&a.member_id], now);
    let mut other = req("", &["range", "cooperative-sticky"]);
    other.require_known_member_id = false;
    let rx = pending(c.join(other, now));
    let mut ra = v3.clone();
    ra.member_id = a.member_id.clone();
    let out = ready(c.join(ra, now));
    assert_eq!(
        out.protocol_name.as_deref(),
        Some("range"),
        "the only protocol both support"
    );
    drop(rx);
    let mut incompatible = req("", &["sticky"]);
    incompatible.require_known_member_id = false;
    assert_eq!(
        ready(c.join(incompatible, now)).error,
        ResponseError::InconsistentGroupProtocol.code()
    );
}

#[test]
fn static_member_keeps_its_place_across_restarts() {
    let c = Coordinator::new(cfg());
    let now = Instant::now();
    let mut s = req("", &["range"]);
    s.instance_id = Some("node-1".into());
    let a = first_join(&c, s.clone(), now);
    assert_eq!(
        a.error,
        error_codes::NONE,
        "static members skip MEMBER_ID_REQUIRED"
    );
    let (b, rb) = new_member(&c, now);
    let rx = pending(rb);
    let mut ra = s.clone();
    ra.member_id = a.member_id.clone();
    ready(c.join(ra, now));
    drop(rx);
    sync_all(&c, 2, &a.member_id, &[&a.member_id, &b], now);
    // B is not the leader, so restart B would rebalance; restart the static one (leader) instead.
    let again = c.join(s, now);
    let gen_before = c.describe("g").generation;
    assert!(
        matches!(again, Reply::Wait(_)),
        "the leader's return triggers a rebalance"
    );
    assert_eq!(
        c.heartbeat("g", gen_before, &a.member_id, Some("node-1"), now),
        ResponseError::FencedInstanceId.code()
    );
}

#[test]
fn commits_follow_kafka_rules() {
    let c = Coordinator::new(cfg());
    let now = Instant::now();
    assert_eq!(
        c.check_commit("solo", -1, "", None, now),
        error_codes::NONE,
        "simple consumers may commit"
    );
    let (a, r) = new_member(&c, now);
    ready(r);
    assert_eq!(
        c.check_commit("g", 1, &a, None, now),
        ResponseError::RebalanceInProgress.code()
    );
    sync_all(&c, 1, &a, &[&a], now);
    assert_eq!(c.check_commit("g", 1, &a, None, now), error_codes::NONE);
    assert_eq!(
        c.check_commit("g", 0, &a, None, now),
        ResponseError::IllegalGeneration.code()
    );
    assert_eq!(
        c.check_commit("g", -1, "", None, now),
        ResponseError::UnknownMemberId.code(),
        "not while members are active"
    );
    assert_eq!(c.delete("g"), ResponseError::NonEmptyGroup.code());
    assert_eq!(c.delete("solo"), error_codes::NONE);
    assert_eq!(c.delete("solo"), ResponseError::GroupIdNotFound.code());
}

#[test]
fn initial_delay_waits_for_more_members() {
    let c = Coordinator::new(CoordinatorConfig {
        initial_rebalance_delay: Duration::from_secs(3),
        ..cfg()
    });
    let t0 = Instant::now();
    let (_a, ra) = new_member(&c, t0);
    let mut rx_a = pending(ra);
    let (_b, rb) = new_member(&c, t0 + Duration::from_secs(1));
    let mut rx_b = pending(rb);
    c.tick(t0 + Duration::from_secs(2));
    assert!(rx_a.try_recv().is_err());
    c.tick(t0 + Duration::from_secs(3));
    c.tick(t0 + Duration::from_secs(6));
    assert_eq!(rx_a.try_recv().unwrap().generation, 1);
    assert_eq!(rx_b.try_recv().unwrap().generation, 1);
}
