//! Which partition a keyed message lands on, computed the way the client will compute it,
//! so the composer can show it before sending.

/// The partitioners the composer can predict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partitioner {
    /// librdkafka's default: CRC32 of the key; keyless messages go to a random partition.
    ConsistentRandom,
    /// The Java client's default: murmur2 of the key; keyless messages go to a random partition.
    Murmur2Random,
}

impl Partitioner {
    /// The name librdkafka's `partitioner` property uses.
    pub fn config_name(self) -> &'static str {
        match self {
            Partitioner::ConsistentRandom => "consistent_random",
            Partitioner::Murmur2Random => "murmur2_random",
        }
    }

    /// The other one (the composer toggles between them).
    pub fn next(self) -> Self {
        match self {
            Partitioner::ConsistentRandom => Partitioner::Murmur2Random,
            Partitioner::Murmur2Random => Partitioner::ConsistentRandom,
        }
    }

    /// The partition for `key`, or `None` when the choice is random (no key) or the topic
    /// has no partitions.
    pub fn partition(self, key: Option<&[u8]>, partitions: i32) -> Option<i32> {
        let key = key?;
        if partitions <= 0 {
            return None;
        }
        let n = partitions as u32;
        Some(match self {
            Partitioner::ConsistentRandom => (crc32fast::hash(key) % n) as i32,
            Partitioner::Murmur2Random => ((murmur2(key) & 0x7fff_ffff) % n) as i32,
        })
    }
}

/// Kafka's murmur2 (the Java client's `Utils.murmur2`, seed 0x9747b28c).
pub fn murmur2(data: &[u8]) -> u32 {
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let len = data.len();
    let mut h: u32 = 0x9747_b28c ^ len as u32;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let rest = chunks.remainder();
    if rest.len() >= 3 {
        h ^= (rest[2] as u32) << 16;
    }
    if rest.len() >= 2 {
        h ^= (rest[1] as u32) << 8;
    }
    if !rest.is_empty() {
        h ^= rest[0] as u32;
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur2_matches_the_java_client() {
        // Values from Kafka's own UtilsTest (as signed ints there).
        assert_eq!(murmur2(b"21") as i32, -973_932_308);
        assert_eq!(murmur2(b"foobar") as i32, -790_332_482);
        assert_eq!(murmur2(b"a-little-bit-long-string") as i32, -985_981_536);
        assert_eq!(
            murmur2(b"a-little-bit-longer-string") as i32,
            -1_486_304_829
        );
        assert_eq!(
            murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") as i32,
            -58_897_971
        );
        assert_eq!(murmur2(b"abc") as i32, 479_470_107);
    }

    #[test]
    fn keyless_is_random() {
        assert_eq!(Partitioner::ConsistentRandom.partition(None, 6), None);
        assert_eq!(Partitioner::Murmur2Random.partition(Some(b"k"), 0), None);
    }
}
