import java.time.Duration;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.TopicPartition;

/**
 * A Java consumer-protocol member subscribed with a broker-side (RE2J) regex, for the
 * differential suite: prints the topics it holds (sorted, with their partition count)
 * each time they change, then what it holds when time is up or once it holds `want`
 * topics. Arguments: bootstrap, group, regex, seconds, want.
 */
public class RegexMember {
    public static void main(String[] args) {
        Properties p = new Properties();
        p.put("bootstrap.servers", args[0]);
        p.put("group.id", args[1]);
        p.put("group.protocol", "consumer");
        p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        long end = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        int want = Integer.parseInt(args[4]);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(new SubscriptionPattern(args[2]));
            String seen = "";
            while (System.nanoTime() < end) {
                c.poll(Duration.ofMillis(100));
                String now = held(c);
                if (!now.equals(seen)) {
                    System.out.println("holds " + now);
                    seen = now;
                }
                if (c.assignment().stream().map(TopicPartition::topic).distinct().count() >= want) {
                    break;
                }
            }
            System.out.println("final " + seen);
        } catch (RuntimeException e) {
            System.out.println("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The topics held, each with how many of its partitions. */
    private static String held(KafkaConsumer<byte[], byte[]> c) {
        TreeSet<String> topics = new TreeSet<>();
        for (TopicPartition tp : c.assignment()) {
            topics.add(tp.topic());
        }
        StringBuilder out = new StringBuilder();
        for (String t : topics) {
            long n = c.assignment().stream().filter(tp -> tp.topic().equals(t)).count();
            out.append(out.length() == 0 ? "" : " ").append(t).append(':').append(n);
        }
        return out.toString();
    }
}
