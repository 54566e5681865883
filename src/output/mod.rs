//! Layer 1, outputs: every file tokenledger writes appears whole or not at all and replaces
//! only what tokenledger wrote (`atomic`: one file; `folder`: the `--out-dir` report folder);
//! `canonical` writes logs in the canonical schema for `convert`; `ledger` keeps the usage rows
//! `ledger sync` and `ledger import` gather, month by month. Below the renderers and charts
//! that fill the files, beside `readers` and `pricing`, which it does not import (no output
//! code lives among the readers).

pub mod atomic;
pub mod canonical;
pub mod folder;
pub mod ledger;
