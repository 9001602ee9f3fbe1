package main

import (
	"fmt"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

type confluentClient struct{}

func (confluentClient) produce(broker, topic string, n int) {
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": broker})
	if err != nil {
		fail("producer error: %v", err)
	}
	defer p.Close()
	reports := make(chan kafka.Event, n)
	for i := 0; i < n; i++ {
		err = p.Produce(&kafka.Message{
			TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
			Value:          []byte("Hello Go!"),
			Headers:        []kafka.Header{{Key: headerKey, Value: []byte(headerValue)}},
		}, reports)
		if err != nil {
			fail("produce error: %v", err)
		}
	}
	for i := 0; i < n; i++ {
		m := (<-reports).(*kafka.Message)
		if m.TopicPartition.Error != nil {
			fail("Delivery failed: %v", m.TopicPartition.Error)
		}
		delivered(*m.TopicPartition.Topic, m.TopicPartition.Partition, int64(m.TopicPartition.Offset))
	}
}

func confluentConsumer(broker, group, name string) *kafka.Consumer {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers":     broker,
		"group.id":              group,
		"client.id":             name,
		"session.timeout.ms":    6000,
		"heartbeat.interval.ms": 500,
		"auto.offset.reset":     "earliest",
	})
	if err != nil {
		fail("consumer error: %v", err)
	}
	return c
}

// confluentPoll handles one event; it returns true for a message.
func confluentPoll(c *kafka.Consumer, who string) bool {
	switch e := c.Poll(200).(type) {
	case *kafka.Message:
		var hs []string
		for _, h := range e.Headers {
			hs = append(hs, h.String())
		}
		fmt.Printf("Message on %s\n", e.TopicPartition)
		received(who, *e.TopicPartition.Topic, e.TopicPartition.Partition, int64(e.TopicPartition.Offset), e.Key, e.Value, hs)
		return true
	case kafka.OffsetsCommitted:
		fmt.Printf("%% %v\n", e)
	case kafka.Error:
		fmt.Printf("%% Error: %v\n", e)
	}
	return false
}

func (confluentClient) consume(broker, group, topic string, n int) {
	c := confluentConsumer(broker, group, "consumer")
	if err := c.SubscribeTopics([]string{topic}, nil); err != nil {
		fail("subscribe: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	got := 0
	for got < n && time.Now().Before(deadline) {
		if confluentPoll(c, "consumer") {
			got++
		}
	}
	if _, err := c.Commit(); err != nil {
		fmt.Println("commit error:", err)
	}
	c.Close()
	if got < n {
		fail("only %d of %d messages", got, n)
	}
}

func (confluentClient) member(broker, group, topic, name string) {
	c := confluentConsumer(broker, group, name)
	ctx := untilSignal()
	err := c.SubscribeTopics([]string{topic}, func(c *kafka.Consumer, e kafka.Event) error {
		if a, ok := e.(kafka.AssignedPartitions); ok {
			parts := map[string][]int32{}
			for _, tp := range a.Partitions {
				parts[*tp.Topic] = append(parts[*tp.Topic], tp.Partition)
			}
			assigned(name, parts)
		}
		return nil
	})
	if err != nil {
		fail("subscribe: %v", err)
	}
	for ctx.Err() == nil {
		confluentPoll(c, name)
	}
	fmt.Println(name, "terminating: context cancelled")
	c.Close()
}
