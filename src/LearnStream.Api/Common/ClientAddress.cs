namespace LearnStream.Api.Common;

public static class ClientAddress
{
    /// <summary>
    /// The caller's address as the server sees it. Behind a proxy, enable the forwarded-headers
    /// middleware for that proxy so this is the client, not the proxy.
    /// </summary>
    public static string Of(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
