//! Avro's binary primitives: zigzag varints, length-prefixed bytes, little-endian floats.

/// How many items of a block may take no bytes at all (arrays of nulls).
const ZERO_BYTE_ITEMS: usize = 1 << 16;

/// A cursor over an Avro payload.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts at the first byte.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// A zigzag varint of up to 64 bits (`int` and `long` share the encoding).
    pub(crate) fn long(&mut self) -> Result<i64, String> {
        let mut raw: u64 = 0;
        for shift in (0..70).step_by(7) {
            let byte = *self
                .bytes
                .get(self.pos)
                .ok_or_else(|| "payload ends inside a number".to_string())?;
            self.pos += 1;
            raw |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                #[allow(clippy::cast_possible_wrap)] // zigzag decoding reinterprets the bits
                return Ok((raw >> 1) as i64 ^ -((raw & 1) as i64));
            }
        }
        Err("varint longer than 10 bytes".into())
    }

    /// A zigzag varint that must fit 32 bits.
    pub(crate) fn int(&mut self) -> Result<i32, String> {
        let value = self.long()?;
        i32::try_from(value).map_err(|_| format!("int out of range: {value}"))
    }

    /// Exactly `len` raw bytes.
    pub(crate) fn fixed(&mut self, len: usize) -> Result<&'a [u8], String> {
        if self.remaining() < len {
            return Err(format!(
                "payload ends early: need {len} bytes, {} left",
                self.remaining()
            ));
        }
        let slice = &self.bytes[self.pos..self.pos + len];
        self.pos += len;
        Ok(slice)
    }

    /// A length-prefixed byte string.
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], String> {
        let len = self.long()?;
        let len = usize::try_from(len).map_err(|_| format!("negative length {len}"))?;
        self.fixed(len)
    }

    /// One byte 0 or 1.
    pub(crate) fn boolean(&mut self) -> Result<bool, String> {
        match self.fixed(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(format!("boolean byte {other}, expected 0 or 1")),
        }
    }

    /// 4 bytes little-endian.
    pub(crate) fn float(&mut self) -> Result<f32, String> {
        let b = self.fixed(4)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// 8 bytes little-endian.
    pub(crate) fn double(&mut self) -> Result<f64, String> {
        let b = self.fixed(8)?;
        let mut le = [0u8; 8];
        le.copy_from_slice(b);
        Ok(f64::from_le_bytes(le))
    }

    /// The item count of the next array or map block; a negative count is followed by the
    /// block's byte size, which a reader that decodes every item skips.
    pub(crate) fn block_count(&mut self) -> Result<usize, String> {
        let count = self.long()?;
        if count < 0 {
            self.long()?;
        }
        let count = usize::try_from(count.unsigned_abs()).map_err(|_| "block too large")?;
        // Items take at least a byte unless they are nulls or empty records, so a count
        // far beyond the bytes left is corrupt; refusing it keeps a few bytes from
        // allocating gigabytes of values.
        if count > self.remaining() + ZERO_BYTE_ITEMS {
            return Err(format!(
                "block of {count} items with {} bytes left",
                self.remaining()
            ));
        }
        Ok(count)
    }
}

/// Appends a zigzag varint.
pub(crate) fn write_long(value: i64, out: &mut Vec<u8>) {
    #[allow(clippy::cast_sign_loss)] // zigzag encoding reinterprets the bits
    let mut raw = ((value << 1) ^ (value >> 63)) as u64;
    while raw >= 0x80 {
        out.push((raw as u8 & 0x7f) | 0x80);
        raw >>= 7;
    }
    out.push(raw as u8);
}

/// Appends a length-prefixed byte string.
pub(crate) fn write_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    write_long(i64::try_from(bytes.len()).unwrap_or(i64::MAX), out);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_spec_examples() {
        // The Avro specification's table: 0→00, -1→01, 1→02, -2→03, 2→04, -64→7f, 64→80 01.
        let cases: [(i64, &[u8]); 7] = [
            (0, &[0]),
            (-1, &[1]),
            (1, &[2]),
            (-2, &[3]),
            (2, &[4]),
            (-64, &[0x7f]),
            (64, &[0x80, 0x01]),
        ];
        for (value, bytes) in cases {
            let mut out = Vec::new();
            write_long(value, &mut out);
            assert_eq!(out, bytes, "{value}");
            assert_eq!(Reader::new(bytes).long().unwrap(), value);
        }
        let mut out = Vec::new();
        write_long(i64::MIN, &mut out);
        assert_eq!(Reader::new(&out).long().unwrap(), i64::MIN);
    }

    #[test]
    fn truncated_and_out_of_range() {
        assert!(Reader::new(&[0x80]).long().is_err());
        assert!(Reader::new(&[6, b'a']).bytes().is_err());
        let mut out = Vec::new();
        write_long(1 << 40, &mut out);
        assert!(Reader::new(&out).int().is_err());
        assert!(Reader::new(&[2]).boolean().is_err());
    }
}
