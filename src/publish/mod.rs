//! Publishing from a shared folder (`dwgk publish`, `releases`, `rollback`):
//! releases built beside the live one and swapped in by one atomic rename,
//! change detection that works on network mounts, scheduled wake-ups, a
//! publication log. Pure logic (`cron`, `schedule`, `settle`, `manifest`,
//! `pages`) is kept apart from the IO (`store`, `scan`, `journal`, `release`,
//! `portals`, `daemon`) and unit-tested on its own.

pub mod cron;
pub mod daemon;
pub mod journal;
pub mod log;
pub mod manifest;
pub mod pages;
pub mod portals;
pub mod release;
pub mod scan;
pub mod schedule;
pub mod settle;
pub mod store;
