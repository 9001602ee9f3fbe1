// The seed's confluent-kafka-go programs (Debian's package, librdkafka 2.0), against
// kafka-dash's broker.
//
//	seed_confluent produce BROKER TOPIC     one message with a header; prints the delivery report
//	seed_confluent consume BROKER GROUP TOPIC N   reads N messages in a group, prints headers
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"
)

func produce(broker, topic string) {
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": broker})
	if err != nil {
		fmt.Println("producer error:", err)
		os.Exit(1)
	}
	defer p.Close()
	delivery := make(chan kafka.Event, 1)
	err = p.Produce(&kafka.Message{
		TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
		Value:          []byte("Hello Go!"),
		Headers:        []kafka.Header{{Key: "myTestHeader", Value: []byte("header values are binary")}},
	}, delivery)
	if err != nil {
		fmt.Println("produce error:", err)
		os.Exit(1)
	}
	m := (<-delivery).(*kafka.Message)
	if m.TopicPartition.Error != nil {
		fmt.Printf("Delivery failed: %v\n", m.TopicPartition.Error)
		os.Exit(1)
	}
	fmt.Printf("Delivered message to topic %s [%d] at offset %v\n",
		*m.TopicPartition.Topic, m.TopicPartition.Partition, m.TopicPartition.Offset)
}

func consume(broker, group, topic string, n int) {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers":  broker,
		"group.id":           group,
		"session.timeout.ms": 6000,
		"auto.offset.reset":  "earliest",
		"go.events.channel.enable": false,
	})
	if err != nil {
		fmt.Println("consumer error:", err)
		os.Exit(1)
	}
	c.SubscribeTopics([]string{topic}, nil)
	deadline := time.Now().Add(30 * time.Second)
	got := 0
	for got < n && time.Now().Before(deadline) {
		switch e := c.Poll(200).(type) {
		case *kafka.Message:
			got++
			fmt.Printf("Message on %s:\n%s\n", e.TopicPartition, string(e.Value))
			if e.Headers != nil {
				fmt.Printf("Headers: %v\n", e.Headers)
			}
		case kafka.OffsetsCommitted:
			fmt.Printf("%% %v\n", e)
		case kafka.Error:
			fmt.Printf("%% Error: %v\n", e)
		}
	}
	if _, err := c.Commit(); err != nil {
		fmt.Println("commit error:", err)
	}
	c.Close()
	if got < n {
		fmt.Printf("only %d of %d messages\n", got, n)
		os.Exit(1)
	}
}

func main() {
	switch os.Args[1] {
	case "produce":
		produce(os.Args[2], os.Args[3])
	case "consume":
		n, _ := strconv.Atoi(os.Args[5])
		consume(os.Args[2], os.Args[3], os.Args[4], n)
	}
}
