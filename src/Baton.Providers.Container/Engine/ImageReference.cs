namespace Baton.Providers.Container.Engine;

/// <summary>Splits an image reference into the repository and the tag (or digest) the pull endpoint takes apart.</summary>
internal static class ImageReference
{
    /// <summary>
    /// <c>web:1</c> → (<c>web</c>, <c>1</c>); <c>registry:5000/web</c> → (<c>registry:5000/web</c>, <c>latest</c>);
    /// <c>web@sha256:…</c> → (<c>web</c>, <c>sha256:…</c>).
    /// </summary>
    public static (string Repository, string Tag) Split(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return (reference[..at], reference[(at + 1)..]);
        }

        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }
}
