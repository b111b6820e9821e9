package dev.scepter.settings;

import java.net.URI;
import java.util.Objects;
import java.util.UUID;

/**
 * Where Microsoft's cloud answers ({@code AppConfig:AzureCloudConfig:*}, SCEPman's names): the
 * public cloud by default, a national cloud when set. Tests point them at simulators on loopback.
 *
 * @param azureAdEndpoint    Entra ID's sign-in authority host ({@code https://login.microsoftonline.com})
 * @param msGraphEndpoint    Microsoft Graph, also the audience of its tokens ({@code https://graph.microsoft.com})
 * @param managementEndpoint the Intune API's resource, the audience of Intune tokens ({@code https://api.manage.microsoft.com})
 * @param intuneAppId        the first-party Intune app whose service endpoints name the Intune services
 */
public record AzureCloudSettings(URI azureAdEndpoint, URI msGraphEndpoint, URI managementEndpoint, UUID intuneAppId) {

    public AzureCloudSettings {
        Objects.requireNonNull(azureAdEndpoint, "azureAdEndpoint");
        Objects.requireNonNull(msGraphEndpoint, "msGraphEndpoint");
        Objects.requireNonNull(managementEndpoint, "managementEndpoint");
        Objects.requireNonNull(intuneAppId, "intuneAppId");
    }

    static AzureCloudSettings bind(SettingsBinder binder) {
        return new AzureCloudSettings(
                binder.required(Setting.AZURE_AD_ENDPOINT, SettingParsers::absoluteHttpUrl),
                binder.required(Setting.MS_GRAPH_ENDPOINT, SettingParsers::absoluteHttpUrl),
                binder.required(Setting.MANAGEMENT_ENDPOINT, SettingParsers::absoluteHttpUrl),
                binder.required(Setting.INTUNE_APP_ID, SettingParsers::guid));
    }
}
