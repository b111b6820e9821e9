/**
 * Settings under SCEPman's names, in three steps:
 * <ol>
 * <li><b>Raw sources</b>: {@link dev.scepter.settings.SettingsSources} merges the environment,
 * {@code --settings FILE} and {@code appsettings.json} into {@link dev.scepter.settings.RawSettings}
 * (names case-insensitive, {@code __} read as {@code :}). {@link dev.scepter.settings.Setting} lists
 * every name honoured, with its default; {@code docs/configuration.md} is checked against it.</li>
 * <li><b>Binder</b>: {@link dev.scepter.settings.SettingsBinder} turns text into values with the
 * small parsers of {@link dev.scepter.settings.SettingParsers}, and collects every problem across
 * all sections, so that start-up stops once, with one message naming each setting to fix.</li>
 * <li><b>Section records</b>: one immutable record per concern, each with a package-private
 * {@code bind(SettingsBinder)} that also checks the combinations within it
 * ({@link dev.scepter.settings.IssuanceSettings}, {@link dev.scepter.settings.ScepSettings} with one
 * {@link dev.scepter.settings.EndpointSettings} per SCEP endpoint, {@link dev.scepter.settings.DbCsrSettings},
 * {@link dev.scepter.settings.OcspSettings}, {@link dev.scepter.settings.CrlSettings},
 * {@link dev.scepter.settings.DirectorySettings}, {@link dev.scepter.settings.RootCaSettings},
 * {@link dev.scepter.settings.StoreSettings}, {@link dev.scepter.settings.AuthSettings},
 * {@link dev.scepter.settings.AppServiceSettings}, {@link dev.scepter.settings.WebSettings}).
 * {@link dev.scepter.settings.ScepterSettings} only holds them; code is handed the section it needs.
 * A record holding a secret overrides {@code toString()} to hide it.</li>
 * </ol>
 * The next issues add their settings the same way: the {@code Setting} constants, a parser where a
 * value is new, and a section record bound in {@code ScepterSettings.bind}. Microsoft Graph and
 * Intune get their own sections ({@code GraphSettings}, {@code IntuneSettings}; a new
 * {@link dev.scepter.settings.DirectoryType} constant picks Graph as the directory), Key Vault a
 * {@code KeyVaultSettings} beside {@link dev.scepter.settings.RootCaSettings} (from
 * {@code AppConfig:KeyVaultConfig:*}), and Table Storage is in {@link dev.scepter.settings.StoreSettings}
 * ({@code AppConfig:CertificateStorage:*}), which the storage factory reads.
 */
package dev.scepter.settings;
