// Writes a fresh Thunderbird profile for the end-to-end test: user.js with one IMAP account (a human on the
// post office) and its SMTP submission server, both plain on loopback (socketType 0, authMethod 3 "normal
// password"), threaded table view, and every preference that would make Thunderbird reach the internet
// switched off (updates, telemetry, add-on checks, ISPDB autoconfig, safe browsing, connectivity and
// captive-portal probes, first-run and what's-new pages, default-client check, calendar/chat extras).
// Thunderbird starts offline (offline.startup_state 3) so nothing connects before the test has handed it
// the passwords through Marionette; the test then switches it online.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ThunderbirdAccountSettings {
  /** Full address, also the login name on both servers. */
  address: string;
  fullName: string;
  host: string;
  imapPort: number;
  submissionPort: number;
  /** Loopback port of the test's proxy trap (proxy-trap.ts): every HTTP(S) request goes there. */
  proxyPort: number;
}

/** The keys the profile gives its account, identity and servers (the test refers to them). */
export const profileKeys = {
  account: 'account1',
  localAccount: 'account2',
  identity: 'id1',
  imapServer: 'server1',
  localServer: 'server2',
  smtpServer: 'smtp1',
} as const;

type PrefValue = string | number | boolean;

/** Preferences that stop every background connection to the internet (and dialogs that would block). */
export const offlineSafetyPrefs: Record<string, PrefValue> = {
  // Application and add-on updates.
  'app.update.auto': false,
  'app.update.checkInstallTime': false,
  'app.update.disabledForTesting': true,
  'app.update.service.enabled': false,
  'app.update.staging.enabled': false,
  'app.update.url': '',
  'extensions.update.enabled': false,
  'extensions.update.autoUpdateDefault': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'media.gmp-manager.updateEnabled': false,
  'media.gmp-gmpopenh264.enabled': false,
  'browser.search.update': false,
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
  'security.remote_settings.crlite_filters.enabled': false,
  'security.remote_settings.intermediates.enabled': false,
  'security.OCSP.enabled': 0,
  // Telemetry, health report, studies.
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.server': '',
  'toolkit.telemetry.firstShutdownPing.enabled': false,
  'toolkit.telemetry.shutdownPingSender.enabled': false,
  'toolkit.telemetry.newProfilePing.enabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.policy.dataSubmissionPolicyBypassNotification': true,
  'datareporting.policy.firstRunURL': '',
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'breakpad.reportURL': '',
  'browser.crashReports.unsubmittedCheck.enabled': false,
  // Account autoconfig (ISPDB, Exchange, guessing), account provisioner, OAuth-less setup wizard.
  'mail.provider.enabled': false,
  'mail.provider.suppress_dialog_on_startup': true,
  'mailnews.auto_config_url': '',
  'mailnews.auto_config.addons_url': '',
  'mailnews.auto_config.fetchFromISP.enabled': false,
  'mailnews.auto_config.fetchFromExchange.enabled': false,
  'mailnews.auto_config.guess.enabled': false,
  'mailnews.mx_service_url': '',
  // Safe browsing and phishing lists.
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.provider.google.updateURL': '',
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'mail.phishing.detection.enabled': false,
  // Connectivity, captive portal, DNS-over-HTTPS, prefetching, push, geolocation, region.
  'network.connectivity-service.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.http.speculative-parallel-limit': 0,
  'dom.push.enabled': false,
  'dom.push.connection.enabled': false,
  'geo.enabled': false,
  'geo.provider.network.url': '',
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'identity.fxaccounts.enabled': false,
  // First-run, what's-new, rights notice, start page, in-app notifications, default-client check.
  'mail.shell.checkDefaultClient': false,
  'mail.rights.version': 1,
  'mailnews.start_page.enabled': false,
  'mailnews.start_page.url': 'about:blank',
  'mailnews.start_page.override_url': '',
  'mailnews.start_page_override.mstone': 'ignore',
  'app.releaseNotesURL': '',
  'mail.inappnotifications.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'toolkit.startup.max_resumed_crashes': -1,
  'browser.sessionstore.resume_from_crash': false,
  // Calendar, chat, newsgroups, global search indexing: not used here, so quiet.
  'mail.chat.enabled': false,
  'messenger.startup.action': 0,
  'calendar.integration.notify': false,
  'calendar.timezone.useSystemTimezone': true,
  'mailnews.database.global.indexer.enabled': false,
  'mail.biff.show_alert': false,
  'mail.biff.play_sound': false,
  'mail.biff.show_tray_icon': false,
  'mail.biff.use_system_alert': false,
  'mail.cloud_files.enabled': false,
  'mail.e2ee.auto_enable': false,
  // No questions when going online, sending or deleting.
  'offline.startup_state': 3,
  'offline.autoDetect': false,
  'offline.download.download_messages': 2,
  'offline.send.unsent_messages': 2,
  'mail.warn_on_send_accel_key': false,
  'mail.compose.attachment_reminder': false,
  'mail.SpellCheckBeforeSend': false,
  'mail.spellcheck.inline': false,
  'mailnews.sendInBackground': false,
  'mailnews.emptyTrash.dontAskAgain': true,
  'mail.purge.ask': false,
  'mailnews.confirm.moveFoldersToTrash': false,
  // Logs of chrome JS errors, and the JS SMTP client's conversation (it does not use MOZ_LOG), go to stdout.
  'mailnews.smtp.loglevel': 'All',
  'browser.dom.window.dump.enabled': true,
  'devtools.console.stdout.chrome': true,
};

export function accountPrefs(settings: ThunderbirdAccountSettings): Record<string, PrefValue> {
  const { account, localAccount, identity, imapServer, localServer, smtpServer } = profileKeys;
  const folderBase = `imap://${encodeURIComponent(settings.address)}@${settings.host}`;
  return {
    'mail.accountmanager.accounts': `${account},${localAccount}`,
    'mail.accountmanager.defaultaccount': account,
    'mail.accountmanager.localfoldersserver': localServer,
    [`mail.account.${account}.identities`]: identity,
    [`mail.account.${account}.server`]: imapServer,
    [`mail.account.${localAccount}.server`]: localServer,
    [`mail.identity.${identity}.fullName`]: settings.fullName,
    [`mail.identity.${identity}.useremail`]: settings.address,
    [`mail.identity.${identity}.valid`]: true,
    [`mail.identity.${identity}.smtpServer`]: smtpServer,
    [`mail.identity.${identity}.compose_html`]: false,
    [`mail.identity.${identity}.reply_on_top`]: 1,
    [`mail.identity.${identity}.fcc`]: true,
    [`mail.identity.${identity}.fcc_folder`]: `${folderBase}/Sent`,
    [`mail.identity.${identity}.draft_folder`]: `${folderBase}/Drafts`,
    [`mail.identity.${identity}.stationery_folder`]: `${folderBase}/Templates`,
    [`mail.identity.${identity}.archive_enabled`]: false,
    [`mail.server.${imapServer}.type`]: 'imap',
    [`mail.server.${imapServer}.hostname`]: settings.host,
    [`mail.server.${imapServer}.port`]: settings.imapPort,
    [`mail.server.${imapServer}.userName`]: settings.address,
    [`mail.server.${imapServer}.name`]: settings.address,
    [`mail.server.${imapServer}.socketType`]: 0,
    [`mail.server.${imapServer}.authMethod`]: 3,
    [`mail.server.${imapServer}.login_at_startup`]: true,
    [`mail.server.${imapServer}.check_new_mail`]: true,
    [`mail.server.${imapServer}.check_time`]: 1,
    [`mail.server.${imapServer}.use_idle`]: true,
    [`mail.server.${imapServer}.delete_model`]: 1,
    [`mail.server.${imapServer}.trash_folder_name`]: 'Trash',
    [`mail.server.${imapServer}.using_subscription`]: true,
    [`mail.server.${imapServer}.directory`]: '',
    [`mail.server.${localServer}.type`]: 'none',
    [`mail.server.${localServer}.hostname`]: 'Local Folders',
    [`mail.server.${localServer}.userName`]: 'nobody',
    [`mail.server.${localServer}.name`]: 'Local Folders',
    'mail.smtpservers': smtpServer,
    'mail.smtp.defaultserver': smtpServer,
    [`mail.smtpserver.${smtpServer}.type`]: 'smtp',
    [`mail.smtpserver.${smtpServer}.hostname`]: settings.host,
    [`mail.smtpserver.${smtpServer}.port`]: settings.submissionPort,
    [`mail.smtpserver.${smtpServer}.username`]: settings.address,
    [`mail.smtpserver.${smtpServer}.authMethod`]: 3,
    [`mail.smtpserver.${smtpServer}.try_ssl`]: 0,
    [`mail.smtpserver.${smtpServer}.description`]: 'mailswarm submission',
    // Classic layout (list above the message pane), table view, threaded, every thread expanded (nsMsgViewFlagsType kThreadedDisplay | kExpandAll).
    'mail.pane_config.dynamic': 0,
    'mail.threadpane.listview': 1,
    'mailnews.default_view_flags': 0x21,
    'mailnews.default_sort_type': 18,
    'mailnews.default_sort_order': 1,
  };
}

/** Creates `directory` (if needed) and writes user.js; returns the profile directory. */
export function writeThunderbirdProfile(directory: string, settings: ThunderbirdAccountSettings): string {
  mkdirSync(directory, { recursive: true });
  const prefs: Record<string, PrefValue> = {
    ...offlineSafetyPrefs,
    // Port 0: Marionette picks a free port and writes it to <profile>/MarionetteActivePort.
    'marionette.port': 0,
    ...accountPrefs(settings),
    // Belt and braces: any HTTP(S) request that a pref above missed goes to the test's proxy trap, which
    // records it and answers 403. Loopback is never proxied, and IMAP/SMTP do not use an HTTP proxy.
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': settings.proxyPort,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': settings.proxyPort,
    'network.proxy.no_proxies_on': '127.0.0.1, localhost',
    'network.proxy.socks_remote_dns': true,
  };
  const lines = Object.entries(prefs).map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`);
  writeFileSync(path.join(directory, 'user.js'), `// Written by test/thunderbird/thunderbird-profile.ts\n${lines.join('\n')}\n`);
  return directory;
}
