//! The time zone the status pages and the share's `_发布问题.txt` show times in
//! (`[publish] timezone`, default Asia/Shanghai): officers read local wall-clock
//! time with the zone named, whatever zone the server runs in. An IANA name is
//! read from the system's zoneinfo (TZif, `$TZDIR` or /usr/share/zoneinfo); the
//! zones of China have no daylight saving time and are built in, for servers
//! without the tzdata package; `UTC+8` / `+08:00` are fixed offsets. Only display
//! uses this: the build's clock stays the server's local time (docs/deploy.md).

use chrono::{DateTime, FixedOffset, NaiveDateTime};

#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub name: String,
    /// `(UTC second, offset in seconds from then on)`, ascending.
    transitions: Vec<(i64, i32)>,
    /// Before the first transition, or the only offset.
    initial: i32,
}

/// Built-in offsets of zones without daylight saving time (China and UTC).
const BUILT_IN: &[(&str, i32)] = &[
    ("Asia/Shanghai", 8 * 3600),
    ("Asia/Chongqing", 8 * 3600),
    ("Asia/Chungking", 8 * 3600),
    ("Asia/Harbin", 8 * 3600),
    ("PRC", 8 * 3600),
    ("Asia/Urumqi", 6 * 3600),
    ("Asia/Kashgar", 6 * 3600),
    ("Asia/Hong_Kong", 8 * 3600),
    ("Asia/Macau", 8 * 3600),
    ("Asia/Taipei", 8 * 3600),
    ("UTC", 0),
    ("Etc/UTC", 0),
];

impl Zone {
    pub fn fixed(name: &str, offset: i32) -> Zone {
        Zone { name: name.to_string(), transitions: Vec::new(), initial: offset }
    }

    /// The built-in zone or fixed offset `name` stands for.
    pub fn built_in(name: &str) -> Option<Zone> {
        if let Some((_, off)) = BUILT_IN.iter().find(|(n, _)| *n == name) {
            return Some(Zone::fixed(name, *off));
        }
        parse_offset(name).map(|off| Zone::fixed(name, off))
    }

    /// A zone from TZif bytes (the 64-bit block of version 2+ files, else the 32-bit one).
    pub fn from_tzif(name: &str, bytes: &[u8]) -> Option<Zone> {
        let (version, counts) = header(bytes)?;
        if version >= b'2' {
            let skip = 44 + block_len(&counts, 4);
            let (_, counts) = header(bytes.get(skip..)?)?;
            parse_block(name, bytes.get(skip + 44..)?, &counts, 8)
        } else {
            parse_block(name, bytes.get(44..)?, &counts, 4)
        }
    }

    /// Seconds east of UTC at UTC second `t`.
    pub fn offset_at(&self, t: i64) -> i32 {
        match self.transitions.partition_point(|(at, _)| *at <= t) {
            0 => self.initial,
            i => self.transitions[i - 1].1,
        }
    }

    /// `t` as this zone's wall-clock time.
    pub fn local(&self, t: DateTime<FixedOffset>) -> NaiveDateTime {
        let secs = t.timestamp();
        t.naive_utc() + chrono::Duration::seconds(i64::from(self.offset_at(secs)))
    }

    /// `2026-11-25 21:40:03` for an RFC 3339 time; the text as it is when it is not one.
    pub fn show(&self, rfc3339: &str) -> String {
        match DateTime::parse_from_rfc3339(rfc3339) {
            Ok(t) => self.local(t).format("%Y-%m-%d %H:%M:%S").to_string(),
            Err(_) => rfc3339.replace('T', " "),
        }
    }

    /// `北京时间，UTC+08:00`: the zone named for readers, its offset now (`t`).
    pub fn label(&self, t: DateTime<FixedOffset>) -> String {
        let off = self.offset_at(t.timestamp());
        let sign = if off < 0 { '-' } else { '+' };
        let utc = format!("UTC{sign}{:02}:{:02}", off.abs() / 3600, off.abs() % 3600 / 60);
        let known = match self.name.as_str() {
            "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Chungking" | "Asia/Harbin" | "PRC" => Some("北京时间"),
            "Asia/Urumqi" | "Asia/Kashgar" => Some("乌鲁木齐时间"),
            "Asia/Hong_Kong" => Some("香港时间"),
            "Asia/Macau" => Some("澳门时间"),
            "Asia/Taipei" => Some("台北时间"),
            "UTC" | "Etc/UTC" => Some("协调世界时"),
            _ => None,
        };
        format!("{}，{utc}", known.unwrap_or(&self.name))
    }
}

/// The zone `name`: the system's zoneinfo file, else a built-in one.
pub fn load(name: &str) -> Result<Zone, String> {
    if !crate::config::zone_name(name) {
        return Err(format!("时区名称“{name}”无效"));
    }
    let dir = std::env::var_os("TZDIR").map_or_else(|| std::path::PathBuf::from("/usr/share/zoneinfo"), std::path::PathBuf::from);
    let from_file = std::fs::read(dir.join(name)).ok().and_then(|b| Zone::from_tzif(name, &b));
    from_file.or_else(|| Zone::built_in(name)).ok_or_else(|| format!("找不到时区“{name}”（{} 下没有这个文件，也不是 UTC+8 这样的固定时差）", dir.display()))
}

/// `UTC+8`, `UTC+08:00`, `+08:00`, `GMT-5` as seconds east of UTC.
fn parse_offset(s: &str) -> Option<i32> {
    let rest = s.strip_prefix("UTC").or_else(|| s.strip_prefix("GMT")).unwrap_or(s);
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None if rest.len() == 4 => (rest[..2].parse().ok()?, rest[2..].parse().ok()?),
        None => (rest.parse().ok()?, 0),
    };
    ((0..=14).contains(&h) && (0..60).contains(&m)).then_some(sign * (h * 3600 + m * 60))
}

/// The version byte and the six counts of a TZif header.
fn header(b: &[u8]) -> Option<(u8, [usize; 6])> {
    if b.get(..4)? != b"TZif" || b.len() < 44 {
        return None;
    }
    let mut counts = [0usize; 6];
    for (i, c) in counts.iter_mut().enumerate() {
        let at = 20 + 4 * i;
        *c = u32::from_be_bytes(b[at..at + 4].try_into().ok()?) as usize;
    }
    Some((b[4], counts))
}

/// Bytes of a data block: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
fn block_len(c: &[usize; 6], time_size: usize) -> usize {
    c[3] * time_size + c[3] + c[4] * 6 + c[5] + c[2] * (time_size + 4) + c[1] + c[0]
}

fn parse_block(name: &str, d: &[u8], c: &[usize; 6], time_size: usize) -> Option<Zone> {
    let (timecnt, typecnt) = (c[3], c[4]);
    if d.len() < block_len(c, time_size) || typecnt == 0 {
        return None;
    }
    let times = &d[..timecnt * time_size];
    let idx = &d[timecnt * time_size..timecnt * (time_size + 1)];
    let types = &d[timecnt * (time_size + 1)..timecnt * (time_size + 1) + typecnt * 6];
    let offset_of = |i: usize| -> Option<i32> { types.get(i * 6..i * 6 + 4).and_then(|b| b.try_into().ok()).map(i32::from_be_bytes) };
    let mut transitions = Vec::with_capacity(timecnt);
    for i in 0..timecnt {
        let t = &times[i * time_size..(i + 1) * time_size];
        let at = if time_size == 8 { i64::from_be_bytes(t.try_into().ok()?) } else { i64::from(i32::from_be_bytes(t.try_into().ok()?)) };
        transitions.push((at, offset_of(usize::from(idx[i]))?));
    }
    Some(Zone { name: name.to_string(), transitions, initial: offset_of(0)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version-1 TZif: one transition at UTC second 1000 from +1h to +8h.
    fn tzif() -> Vec<u8> {
        let mut b = b"TZif".to_vec();
        b.push(0);
        b.extend([0u8; 15]);
        for n in [0u32, 0, 0, 1, 2, 8] {
            b.extend(n.to_be_bytes());
        }
        b.extend(1000i32.to_be_bytes());
        b.push(1);
        b.extend(3600i32.to_be_bytes());
        b.extend([0, 0]);
        b.extend((8 * 3600i32).to_be_bytes());
        b.extend([0, 4]);
        b.extend(b"LMT\0CST\0");
        b
    }

    #[test]
    fn reads_transitions_from_tzif() {
        let z = Zone::from_tzif("Test/Zone", &tzif()).expect("parses");
        assert_eq!((z.offset_at(999), z.offset_at(1000), z.offset_at(10_000_000)), (3600, 8 * 3600, 8 * 3600));
        assert!(Zone::from_tzif("x", b"TZif").is_none() && Zone::from_tzif("x", b"nonsense").is_none());
    }

    #[test]
    fn shows_wall_clock_time_with_the_zone_named() {
        let z = Zone::built_in("Asia/Shanghai").unwrap();
        assert_eq!(z.show("2026-11-25T13:40:03+00:00"), "2026-11-25 21:40:03", "UTC on the server, Beijing time on the page");
        assert_eq!(z.show("2026-11-25T21:40:03+08:00"), "2026-11-25 21:40:03");
        let t = DateTime::parse_from_rfc3339("2026-11-25T13:40:03+00:00").unwrap();
        assert_eq!(z.label(t), "北京时间，UTC+08:00");
        assert_eq!(Zone::built_in("UTC-05:30").unwrap().label(t), "UTC-05:30，UTC-05:30");
        assert_eq!(Zone::built_in("UTC+8").unwrap().offset_at(0), 8 * 3600);
        assert!(Zone::built_in("Mars/Olympus").is_none() && Zone::built_in("UTC+15").is_none());
    }
}
