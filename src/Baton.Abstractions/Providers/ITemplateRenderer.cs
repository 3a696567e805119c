using Baton.Values;

namespace Baton.Providers;

/// <summary>
/// Renders templates in Baton's expression language (<c>${…}</c> interpolations, the same functions as stack files)
/// for providers: the host's service, so a provider needs no part of the language. Template files, and the files
/// they read, are confined to the stack directory.
/// </summary>
public interface ITemplateRenderer
{
    /// <summary>
    /// The text of the template file <paramref name="path"/> (relative to the stack directory) with
    /// <paramref name="vars"/> (a map) in scope: sensitive when any part of it was, an unknown string when a var it
    /// uses is unknown, or null with <paramref name="error"/> set (<c>FILE:LINE:COLUMN: message</c> for an error
    /// inside the template).
    /// </summary>
    Value? Render(string path, Value vars, out string? error);
}
