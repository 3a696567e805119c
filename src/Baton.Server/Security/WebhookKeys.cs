using System.Security.Cryptography;
using System.Text;

namespace Baton.Server.Security;

/// <summary>
/// The HMAC key of a workflow's webhook, derived from the stack's secret key and the workflow's name: nothing more to
/// store, one key per workflow, and rotating the stack key rotates them all. <c>baton webhook secret</c> prints it.
/// </summary>
public static class WebhookKeys
{
    /// <summary>The key for <paramref name="workflow"/>.</summary>
    public static byte[] Derive(ReadOnlySpan<byte> stackKey, string workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var root = WebhookRoot(stackKey);
        return HMACSHA256.HashData(root, Encoding.UTF8.GetBytes(workflow));
    }

    private static byte[] WebhookRoot(ReadOnlySpan<byte> stackKey) => HMACSHA256.HashData(stackKey, "baton webhook"u8);
}
