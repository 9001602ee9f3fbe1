package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

type franzClient struct{}

func (franzClient) produce(broker, topic string, n int) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.DefaultProduceTopic(topic))
	if err != nil {
		fail("client error: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := 0; i < n; i++ {
		r := &kgo.Record{
			Value:   []byte("Hello Go!"),
			Headers: []kgo.RecordHeader{{Key: headerKey, Value: []byte(headerValue)}},
		}
		res := cl.ProduceSync(ctx, r)
		if err := res.FirstErr(); err != nil {
			fail("Delivery failed: %v", err)
		}
		delivered(r.Topic, r.Partition, r.Offset)
	}
}

// franzGroup makes a group member. kgo balances cooperatively by default, so its callbacks
// see only what changed; the member keeps its whole assignment to print it.
func franzGroup(broker, group, topic, name string) *kgo.Client {
	held := map[string][]int32{}
	change := func(delta map[string][]int32, add bool) {
		for t, ps := range delta {
			keep := []int32{}
			for _, p := range held[t] {
				if !slices.Contains(ps, p) {
					keep = append(keep, p)
				}
			}
			if add {
				keep = append(keep, ps...)
			}
			slices.Sort(keep)
			held[t] = keep
		}
		assigned(name, held)
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(broker),
		kgo.ClientID(name),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.SessionTimeout(6*time.Second),
		kgo.HeartbeatInterval(500*time.Millisecond),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, a map[string][]int32) { change(a, true) }),
		// A revoke callback of our own replaces kgo's default one, which commits: commit
		// here too, or the next owner reads the revoked partitions again.
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, r map[string][]int32) {
			if err := cl.CommitUncommittedOffsets(ctx); err != nil {
				fmt.Println(name, "commit on revoke:", err)
			}
			change(r, false)
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, l map[string][]int32) { change(l, false) }),
	)
	if err != nil {
		fail("client error: %v", err)
	}
	return cl
}

// franzPoll prints what one poll returned and says how many messages that was.
func franzPoll(ctx context.Context, cl *kgo.Client, who string) int {
	fetches := cl.PollFetches(ctx)
	fetches.EachError(func(t string, p int32, err error) {
		if ctx.Err() == nil {
			fmt.Printf("%s fetch error %s[%d]: %v\n", who, t, p, err)
		}
	})
	n := 0
	fetches.EachRecord(func(r *kgo.Record) {
		var hs []string
		for _, h := range r.Headers {
			hs = append(hs, fmt.Sprintf("%s=%q", h.Key, h.Value))
		}
		received(who, r.Topic, r.Partition, r.Offset, r.Key, r.Value, hs)
		n++
	})
	return n
}

func (franzClient) consume(broker, group, topic string, n int) {
	cl := franzGroup(broker, group, topic, "consumer")
	ctx, cancel := context.WithTimeout(untilSignal(), 30*time.Second)
	defer cancel()
	got := 0
	for got < n && ctx.Err() == nil {
		got += franzPoll(ctx, cl, "consumer")
	}
	if err := cl.CommitUncommittedOffsets(context.Background()); err != nil {
		fmt.Println("commit error:", err)
	}
	cl.Close()
	if got < n {
		fail("only %d of %d messages", got, n)
	}
}

func (franzClient) member(broker, group, topic, name string) {
	cl := franzGroup(broker, group, topic, name)
	ctx := untilSignal()
	for ctx.Err() == nil {
		franzPoll(ctx, cl, name)
	}
	fmt.Println(name, "terminating: context cancelled")
	cl.Close() // commits and leaves the group
}
