package dev.tocsin.console;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/**
 * The console's words, English first. Another language is a file
 * src/main/resources/messages/msg_{tag}.properties with the same keys (Qute picks it by the page's locale).
 */
@MessageBundle(value = "msg", locale = "en")
public interface ConsoleMessages {

    @Message("Tocsin console")
    String product();

    @Message("Sign in")
    String sign_in();

    @Message("Sign out")
    String sign_out();

    @Message("User name")
    String username();

    @Message("Password")
    String password();

    @Message("The user name or password is wrong, or this address must wait after too many tries. Check both and try again in a minute; an admin can clear the wait.")
    String sign_in_failed();

    @Message("Your session has ended. Sign in again.")
    String session_ended();

    @Message("Home")
    String home();

    @Message("Incidents")
    String incidents();

    @Message("Support lookup")
    String support();

    @Message("Audit log")
    String audit();

    @Message("Signed in as {user} ({roles})")
    String signed_in_as(String user, String roles);

    @Message("Open incidents")
    String open_incidents();

    @Message("No incidents yet. Open one when a breach is found: the notification deadlines start from its discovery.")
    String no_incidents();

    @Message("New incident")
    String new_incident();

    @Message("Campaigns")
    String campaigns();

    @Message("No campaigns yet. Create one from an incident once its affected accounts are uploaded.")
    String no_campaigns();

    @Message("Waiting for your approval")
    String waiting_for_approval();

    @Message("Nothing waits for your approval.")
    String nothing_waiting();

    @Message("Recent audit events")
    String recent_audit();

    @Message("You need the role {role}")
    String needs_role_title(String role);

    @Message("This page is for users with the role {role}. You are signed in as {user} with {roles}. Ask an admin for the role if your work needs it.")
    String needs_role_text(String role, String user, String roles);

    @Message("Not found")
    String not_found();

    @Message("Status")
    String status();

    @Message("Progress")
    String progress();

    @Message("Deadline")
    String deadline();

    @Message("Title")
    String title();

    @Message("Description")
    String description();

    @Message("When the breach happened")
    String occurred_at();

    @Message("When it was discovered")
    String discovered_at();

    @Message("Create the incident")
    String create_incident();

    @Message("Pause")
    String pause();

    @Message("Resume")
    String resume();

    @Message("Cancel the campaign")
    String cancel();

    @Message("Go back")
    String go_back();

    @Message("Search")
    String search();

    @Message("Verification reference, email, phone or account id")
    String lookup_label();

    @Message("Send it again")
    String resend();

    @Message("Why (kept in the audit trail)")
    String resend_reason();

    @Message("Nothing was found for that. Check it with the caller: a reference we did not issue means the message they have did not come from us.")
    String nothing_found();

    @Message("Download the proof report (CSV)")
    String proof_report();

    @Message("Skip to the content")
    String skip_to_content();
}
