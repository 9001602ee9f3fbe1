// The seed's walkthrough written with today's Go clients: IBM/sarama,
// confluent-kafka-go v2 (librdkafka bundled) and franz-go's kgo. Run against
// `kafka-dash broker` and Apache Kafka alike.
//
//	seed_modern CLIENT produce BROKER TOPIC N        N messages (sarama: async, acks=all, 5 retries,
//	                                                 key = Unix seconds, value = 4 random capitals;
//	                                                 confluent/franz: value "Hello Go!" with header
//	                                                 myTestHeader); prints each delivery report
//	seed_modern CLIENT consume BROKER GROUP TOPIC N  reads N messages in a group, prints them with headers
//	seed_modern CLIENT member BROKER GROUP TOPIC NAME  a group member until SIGTERM; prints its
//	                                                 assignment and every message it consumes
//
// CLIENT is sarama, confluent or franz.
package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

const (
	headerKey   = "myTestHeader"
	headerValue = "header values are binary"
)

// letters is the seed's sarama value: four random capitals.
func letters() string {
	b := make([]byte, 4)
	for i := range b {
		b[i] = byte('A' + rand.Intn(26))
	}
	return string(b)
}

// delivered prints a delivery report the way the seed's confluent-kafka-go example does.
func delivered(topic string, partition int32, offset int64) {
	fmt.Printf("Delivered message to topic %s [%d] at offset %d\n", topic, partition, offset)
}

// received prints one consumed message: where it is, its key and value, and its headers.
func received(who, topic string, partition int32, offset int64, key, value []byte, headers []string) {
	fmt.Printf("%s message key=%s value=%s topic=%s partition=%d offset=%d\n",
		who, key, value, topic, partition, offset)
	if len(headers) > 0 {
		fmt.Printf("%s headers: %v\n", who, headers)
	}
}

// assigned prints a member's assignment after a rebalance, e.g. "A assigned sarama:[0]" or "A assigned none".
func assigned(who string, parts map[string][]int32) {
	s := ""
	for t, ps := range parts {
		if len(ps) > 0 {
			s += fmt.Sprintf(" %s:%v", t, ps)
		}
	}
	if s == "" {
		s = " none"
	}
	fmt.Printf("%s assigned%s\n", who, s)
}

func fail(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
	os.Exit(1)
}

// untilSignal returns a context cancelled by SIGINT or SIGTERM.
func untilSignal() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-sig; cancel() }()
	return ctx
}

type client interface {
	produce(broker, topic string, n int)
	consume(broker, group, topic string, n int)
	member(broker, group, topic, name string)
}

func main() {
	clients := map[string]client{"sarama": saramaClient{}, "confluent": confluentClient{}, "franz": franzClient{}}
	if len(os.Args) < 6 || clients[os.Args[1]] == nil {
		fail("usage: seed_modern sarama|confluent|franz produce BROKER TOPIC N | consume BROKER GROUP TOPIC N | member BROKER GROUP TOPIC NAME")
	}
	c, broker := clients[os.Args[1]], os.Args[3]
	switch os.Args[2] {
	case "produce":
		n, _ := strconv.Atoi(os.Args[5])
		c.produce(broker, os.Args[4], n)
	case "consume":
		n, _ := strconv.Atoi(os.Args[6])
		c.consume(broker, os.Args[4], os.Args[5], n)
	case "member":
		c.member(broker, os.Args[4], os.Args[5], os.Args[6])
	default:
		fail("unknown command %s", os.Args[2])
	}
}
