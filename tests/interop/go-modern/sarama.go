package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/IBM/sarama"
)

type saramaClient struct{}

func (saramaClient) produce(broker, topic string, n int) {
	config := sarama.NewConfig()
	config.Producer.Retry.Max = 5
	config.Producer.RequiredAcks = sarama.WaitForAll
	config.Producer.Return.Successes = true
	producer, err := sarama.NewAsyncProducer([]string{broker}, config)
	if err != nil {
		fail("producer error: %v", err)
	}
	for i := 0; i < n; i++ {
		producer.Input() <- &sarama.ProducerMessage{
			Topic: topic,
			Key:   sarama.StringEncoder(strconv.FormatInt(time.Now().Unix(), 10)),
			Value: sarama.StringEncoder(letters()),
		}
	}
	failed := 0
	for done := 0; done < n; done++ {
		select {
		case m := <-producer.Successes():
			delivered(m.Topic, m.Partition, m.Offset)
		case e := <-producer.Errors():
			fmt.Println("failed:", e.Err)
			failed++
		case <-time.After(20 * time.Second):
			fail("timed out")
		}
	}
	producer.Close()
	fmt.Printf("Enqueued: %d; errors: %d\n", n, failed)
	if failed > 0 {
		fail("some messages failed")
	}
}

type saramaMember struct {
	name  string
	left  int
	done  context.CancelFunc
	quota bool
}

func (m *saramaMember) Setup(s sarama.ConsumerGroupSession) error {
	assigned(m.name, s.Claims())
	return nil
}

func (m *saramaMember) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (m *saramaMember) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for msg := range c.Messages() {
		var hs []string
		for _, h := range msg.Headers {
			hs = append(hs, fmt.Sprintf("%s=%q", h.Key, h.Value))
		}
		received(m.name, msg.Topic, msg.Partition, msg.Offset, msg.Key, msg.Value, hs)
		s.MarkMessage(msg, "")
		if m.quota {
			if m.left--; m.left <= 0 {
				m.done()
			}
		}
	}
	return nil
}

func saramaGroup(broker, group, topic string, m *saramaMember, ctx context.Context) {
	config := sarama.NewConfig()
	config.ClientID = m.name
	config.Consumer.Offsets.Initial = sarama.OffsetOldest
	config.Consumer.Group.Heartbeat.Interval = 500 * time.Millisecond
	config.Consumer.Group.Session.Timeout = 6 * time.Second
	cg, err := sarama.NewConsumerGroup([]string{broker}, group, config)
	if err != nil {
		fail("group error: %v", err)
	}
	go func() {
		for err := range cg.Errors() {
			fmt.Println(m.name, "error:", err)
		}
	}()
	for ctx.Err() == nil {
		if err := cg.Consume(ctx, []string{topic}, m); err != nil {
			fmt.Println(m.name, "consume error:", err)
			time.Sleep(200 * time.Millisecond)
		}
	}
	fmt.Println(m.name, "terminating: context cancelled")
	cg.Close()
}

func (saramaClient) consume(broker, group, topic string, n int) {
	ctx, cancel := context.WithTimeout(untilSignal(), 30*time.Second)
	defer cancel()
	m := &saramaMember{name: "consumer", left: n, done: cancel, quota: true}
	saramaGroup(broker, group, topic, m, ctx)
	if m.left > 0 {
		fail("only %d of %d messages", n-m.left, n)
	}
}

func (saramaClient) member(broker, group, topic, name string) {
	saramaGroup(broker, group, topic, &saramaMember{name: name}, untilSignal())
}
