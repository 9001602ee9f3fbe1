// The seed's sarama programs (sarama 1.22 from Debian), against kafka-dash's broker.
//
//	seed_sarama produce BROKER TOPIC N   async producer, default config (Kafka 0.8.2 protocol)
//	seed_sarama member BROKER GROUP TOPIC NAME   consumer-group member (Kafka 2.3.0 protocol)
package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/Shopify/sarama"
)

func letters() string {
	b := make([]byte, 4)
	for i := range b {
		b[i] = byte('A' + rand.Intn(26))
	}
	return string(b)
}

func produce(broker, topic string, n int) {
	config := sarama.NewConfig()
	config.Producer.Retry.Max = 5
	config.Producer.RequiredAcks = sarama.WaitForAll
	config.Producer.Return.Successes = true
	producer, err := sarama.NewAsyncProducer([]string{broker}, config)
	if err != nil {
		fmt.Println("producer error:", err)
		os.Exit(1)
	}
	enqueued, failed := 0, 0
	for i := 0; i < n; i++ {
		producer.Input() <- &sarama.ProducerMessage{
			Topic: topic,
			Key:   sarama.StringEncoder(strconv.FormatInt(time.Now().Unix(), 10)),
			Value: sarama.StringEncoder(letters()),
		}
		enqueued++
	}
	for done := 0; done < n; done++ {
		select {
		case m := <-producer.Successes():
			fmt.Printf("delivered partition=%d offset=%d\n", m.Partition, m.Offset)
		case e := <-producer.Errors():
			fmt.Println("failed:", e.Err)
			failed++
		case <-time.After(20 * time.Second):
			fmt.Println("timed out")
			os.Exit(1)
		}
	}
	producer.Close()
	fmt.Printf("Enqueued: %d; errors: %d\n", enqueued, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

type member struct{ name string }

func (m *member) Setup(s sarama.ConsumerGroupSession) error {
	fmt.Printf("%s setup generation=%d claims=%v\n", m.name, s.GenerationID(), s.Claims())
	return nil
}

func (m *member) Cleanup(sarama.ConsumerGroupSession) error {
	fmt.Printf("%s cleanup\n", m.name)
	return nil
}

func (m *member) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for msg := range c.Messages() {
		fmt.Printf("%s message key=%s value=%s topic=%s partition=%d offset=%d\n",
			m.name, msg.Key, msg.Value, msg.Topic, msg.Partition, msg.Offset)
		s.MarkMessage(msg, "")
	}
	return nil
}

func runMember(broker, group, topic, name string) {
	version, _ := sarama.ParseKafkaVersion("2.3.0")
	config := sarama.NewConfig()
	config.Version = version
	config.ClientID = name
	config.Consumer.Offsets.Initial = sarama.OffsetOldest
	config.Consumer.Group.Heartbeat.Interval = 500 * time.Millisecond
	client, err := sarama.NewConsumerGroup([]string{broker}, group, config)
	if err != nil {
		fmt.Println("group error:", err)
		os.Exit(1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for err := range client.Errors() {
			fmt.Println(name, "error:", err)
		}
	}()
	go func() {
		for ctx.Err() == nil {
			if err := client.Consume(ctx, []string{topic}, &member{name}); err != nil {
				fmt.Println(name, "consume error:", err)
				time.Sleep(200 * time.Millisecond)
			}
		}
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	fmt.Println(name, "terminating: via signal")
	cancel()
	client.Close()
}

func main() {
	if len(os.Args) < 3 {
		fmt.Println("usage: seed_sarama produce BROKER TOPIC N | member BROKER GROUP TOPIC NAME")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "produce":
		n, _ := strconv.Atoi(os.Args[4])
		produce(os.Args[2], os.Args[3], n)
	case "member":
		runMember(os.Args[2], os.Args[3], os.Args[4], os.Args[5])
	}
}
