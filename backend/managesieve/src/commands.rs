//! The script commands of the authenticated state (RFC 5804 §2.5-§2.12): each calls the
//! mail service's script operations and turns its answer into a response, its refusals
//! into the response codes of §1.3.

use osprey_mail::{RulesError, ScriptError};
use osprey_proto::managesieve::{Code, Command, write_literal, write_string};

use crate::session::Session;

impl Session {
    /// Runs a script command; only called in the authenticated state.
    pub(crate) async fn script_command(&mut self, cmd: Command) {
        let account = self
            .account
            .as_ref()
            .expect("script commands run only when authenticated")
            .id
            .clone();
        let rules = self.server.rules.clone();
        let done = match cmd {
            Command::ListScripts => match rules.scripts(&account).await {
                Ok(scripts) => {
                    for s in scripts {
                        write_string(&mut self.out, &s.name);
                        if s.active {
                            self.out.extend_from_slice(b" ACTIVE");
                        }
                        self.out.extend_from_slice(b"\r\n");
                    }
                    Ok("Listscripts completed")
                }
                Err(e) => Err(e),
            },
            Command::GetScript(name) => match rules.script(&account, &name).await {
                Ok(script) => {
                    // §2.9: the script as a string (a literal), then OK.
                    write_literal(&mut self.out, script.as_bytes());
                    self.out.extend_from_slice(b"\r\n");
                    Ok("Getscript completed")
                }
                Err(e) => Err(e),
            },
            Command::PutScript { name, script } => rules
                .put_script(&account, &name, &script)
                .await
                .map(|()| "Putscript completed"),
            Command::CheckScript(script) => rules.check_script(&script).map(|_| "Script is valid"),
            Command::SetActive(name) => {
                // §2.8: an empty name makes no script active.
                let name = (!name.is_empty()).then_some(name.as_str());
                rules
                    .set_active(&account, name)
                    .await
                    .map(|()| "Setactive completed")
            }
            Command::DeleteScript(name) => rules
                .delete_script(&account, &name)
                .await
                .map(|()| "Deletescript completed"),
            Command::RenameScript { from, to } => rules
                .rename_script(&account, &from, &to)
                .await
                .map(|()| "Renamescript completed"),
            Command::HaveSpace { name, size } => rules
                .have_space(&account, &name, size)
                .await
                .map(|()| "Putscript would succeed"),
            Command::Authenticate { .. }
            | Command::StartTls
            | Command::Logout
            | Command::Capability
            | Command::Noop(_)
            | Command::Unauthenticate => {
                unreachable!("the session answers these itself")
            }
        };
        match done {
            Ok(text) => self.ok(None, text),
            Err(e) => self.refused(e),
        }
    }

    /// A refusal as `NO` with the response code RFC 5804 §1.3 gives it.
    fn refused(&mut self, e: ScriptError) {
        let code = match &e {
            ScriptError::NoSuchScript(_) => Some("NONEXISTENT"),
            ScriptError::Exists(_) => Some("ALREADYEXISTS"),
            ScriptError::Active(_) => Some("ACTIVE"),
            ScriptError::TooMany => Some("QUOTA/MAXSCRIPTS"),
            ScriptError::TooBig => Some("QUOTA/MAXSIZE"),
            ScriptError::BadName(_)
            | ScriptError::Rules(RulesError::Sieve(_) | RulesError::Invalid(_)) => None,
            ScriptError::Rules(RulesError::Store(osprey_store::StoreError::Conflict(_))) => {
                // Another client changed the rules meanwhile.
                Some("TRYLATER")
            }
            ScriptError::Rules(other) => {
                tracing::error!(error = %other, "a ManageSieve command failed");
                self.no(
                    Some(Code::Plain("TRYLATER")),
                    "the server cannot do this now; try again later",
                );
                return;
            }
        };
        self.no(code.map(Code::Plain), &e.to_string());
    }
}
