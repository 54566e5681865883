//! `tokenledger ledger status`: what the ledger holds, per month, machine and agent, and its
//! last syncs and imports.

use std::collections::BTreeMap;

use super::ledger::{dir_of, read_ledger};
use crate::cli::ledger::{LedgerStatusArgs, StatusFormat};
use crate::output::ledger::{Rows, State};

pub fn run(a: LedgerStatusArgs) -> anyhow::Result<()> {
    let LedgerStatusArgs { dir, format } = a;
    let dir = dir_of(&dir)?;
    let Some(state) = State::load(&dir)? else {
        anyhow::bail!(
            "{} holds no ledger (make one with `tokenledger ledger sync`)",
            dir.display()
        );
    };
    let mut rows = Rows::tallying();
    read_ledger(&dir, &mut rows)?;
    let months = rows.tally.take().unwrap_or_default();
    let total = rows.new;
    let out = match format {
        StatusFormat::Json => {
            let months: Vec<serde_json::Value> = months
                .iter()
                .map(|(m, (n, machines, agents))| serde_json::json!({"month": m, "rows": n, "machines": machines, "agents": agents}))
                .collect();
            let v = serde_json::json!({
                "ledger": dir.display().to_string(),
                "machine": state.machine,
                "rows": total,
                "last_sync": state.last_sync,
                "months": months,
                "events": state.events,
            });
            format!("{}\n", serde_json::to_string_pretty(&v)?)
        }
        StatusFormat::Text => {
            let join = |m: &BTreeMap<String, u64>| {
                m.iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut s = format!(
                "ledger {} (machine {}): {total} rows in {} months; last sync {}\n",
                dir.display(),
                state.machine,
                months.len(),
                state.last_sync.as_deref().unwrap_or("never")
            );
            for (m, (n, machines, agents)) in &months {
                s.push_str(&format!(
                    "  {m}: {n} rows; machines: {}; agents: {}\n",
                    join(machines),
                    join(agents)
                ));
            }
            for e in state.events.iter().rev().take(5) {
                s.push_str(&format!(
                    "  {} {} {}: read {}, added {}, rejected {}\n",
                    e.at,
                    e.kind,
                    e.sources.join(", "),
                    e.read,
                    e.added,
                    e.rejected
                ));
            }
            s
        }
    };
    let mut o = std::io::stdout().lock();
    for line in out.lines() {
        std::io::Write::write_all(&mut o, crate::text::printable(line).as_bytes())?;
        std::io::Write::write_all(&mut o, b"\n")?;
    }
    Ok(())
}
