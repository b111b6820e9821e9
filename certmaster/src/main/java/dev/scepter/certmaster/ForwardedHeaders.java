package dev.scepter.certmaster;

import org.apache.catalina.valves.RemoteIpValve;

/**
 * The proxy's {@code X-Forwarded-*} headers, believed by Tomcat itself in the portal's context.
 * A valve rather than Spring's filter: the valve changes the request Tomcat sees, so its
 * {@code isSecure()} is true for {@code X-Forwarded-Proto: https} and Tomcat marks the session
 * cookie {@code Secure}; a filter's wrapped request would not reach Tomcat's cookie.
 *
 * <p>Like the core's {@code AppConfig:TrustForwardedHeaders}, every sender is believed (the
 * operator turns it on only behind a proxy that sets, not forwards, these headers): of
 * {@code X-Forwarded-For}, the left-most address is the client's.
 */
public final class ForwardedHeaders {

    private ForwardedHeaders() {
    }

    public static RemoteIpValve valve() {
        RemoteIpValve valve = new RemoteIpValve();
        valve.setInternalProxies(".*");
        valve.setTrustedProxies(null);
        valve.setRemoteIpHeader("X-Forwarded-For");
        valve.setProtocolHeader("X-Forwarded-Proto");
        valve.setHostHeader("X-Forwarded-Host");
        valve.setPortHeader("X-Forwarded-Port");
        return valve;
    }
}
