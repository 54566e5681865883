//! `report --format focus`: the options of the FOCUS rows (accounts per provider, the log
//! columns Tags carry), from the command line.

use super::settings::UsageSettings;
use super::UsageError;
use crate::report::focus::{Options, Version};

/// The FOCUS options and the extra dimensions the engine must carry for `--tags`.
/// `--billing-account` is one ID (every provider) or `PROVIDER=ID,...`; `--tags all` is every
/// extra column of the logs.
pub fn options(
    version: Version,
    billing_account: Option<String>,
    account_name: Option<String>,
    tags: &[String],
    settings: &UsageSettings,
) -> anyhow::Result<(Options, Vec<String>)> {
    let mut o = Options {
        version,
        account_name,
        ..Options::default()
    };
    match billing_account {
        Some(a) if a.contains('=') => {
            for pair in a.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let Some((p, id)) = pair.split_once('=') else {
                    return Err(UsageError::Message(format!(
                        "--billing-account {pair:?}: expected PROVIDER=ID (or one ID for every provider)"
                    ))
                    .into());
                };
                o.accounts
                    .push((p.trim().to_string(), id.trim().to_string()));
            }
            if o.account_name.is_some() {
                return Err(UsageError::Message(
                    "--billing-account-name names one account: give it with one --billing-account ID".into(),
                )
                .into());
            }
        }
        other => o.account = other,
    }
    let tag_dims: Vec<String> = if tags.iter().any(|t| t == "all") {
        let logs = super::logs::find_logs(
            &settings.logs,
            settings.log_format,
            &settings.exclude,
            settings.ledger.as_deref(),
            &settings.map,
        )?;
        crate::readers::columns::extra_columns(&logs.files)?
    } else {
        tags.to_vec()
    };
    o.tags = tag_dims.clone();
    Ok((o, tag_dims))
}
