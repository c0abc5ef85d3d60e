//! Publishing from a shared folder (`dwgk publish`): cron schedules so far.

pub mod cron;
