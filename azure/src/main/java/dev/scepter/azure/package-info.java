/**
 * Microsoft's cloud at run time, behind the authority's ports: {@code signin} gets tokens (managed
 * identity on Azure, an app registration elsewhere), {@code graph} is the {@code Directory} on
 * Entra ID and Intune, {@code intune} validates Intune's SCEP requests, tells Intune how they ended
 * and revokes what Intune asks for, {@code jamf} does the same for Jamf Pro. {@code http} is what
 * their clients share: JSON over HTTPS, with throttling honoured. Nothing here knows Spring; the
 * server wires it from the settings.
 */
package dev.scepter.azure;
