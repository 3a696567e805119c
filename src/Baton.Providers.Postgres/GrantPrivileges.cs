using System.Collections.Immutable;

namespace Baton.Providers.Postgres;

/// <summary>
/// The fixed list of privileges each grant scope accepts. Only names from these lists ever reach SQL, so a privilege
/// is never user text; <c>ALL</c> is expanded to the list (so a newer server's extra privileges are not granted).
/// </summary>
internal static class GrantPrivileges
{
    public const string All = "ALL";

    private static readonly ImmutableArray<string> DatabasePrivileges = ["CONNECT", "CREATE", "TEMPORARY"];
    private static readonly ImmutableArray<string> SchemaPrivileges = ["USAGE", "CREATE"];
    private static readonly ImmutableArray<string> TablePrivileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];

    /// <summary>Every privilege of <paramref name="scope"/>, in the order the provider reports them.</summary>
    public static ImmutableArray<string> For(GrantScope scope) => scope switch
    {
        GrantScope.Database => DatabasePrivileges,
        GrantScope.Schema => SchemaPrivileges,
        _ => TablePrivileges,
    };

    /// <summary>The canonical name of <paramref name="text"/> in <paramref name="scope"/> (<c>ALL</c> included), or null when it is not one.</summary>
    public static string? Canonical(string text, GrantScope scope)
    {
        var upper = text.Trim().ToUpperInvariant();
        upper = upper switch
        {
            "TEMP" => "TEMPORARY",
            "ALL PRIVILEGES" => All,
            _ => upper,
        };
        return upper == All || For(scope).Contains(upper) ? upper : null;
    }

    /// <summary>The privileges <paramref name="given"/> means, in report order; names that are not privileges of the scope are left out.</summary>
    public static ImmutableArray<string> Expand(IEnumerable<string> given, GrantScope scope)
    {
        var names = given.Select(g => Canonical(g, scope)).Where(n => n is not null).ToHashSet(StringComparer.Ordinal);
        return names.Contains(All) ? For(scope) : [.. For(scope).Where(names.Contains)];
    }

    public static string Describe(GrantScope scope) => string.Join(", ", For(scope)) + " or ALL";
}
