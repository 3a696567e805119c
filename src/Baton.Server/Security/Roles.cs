using System.Security.Claims;
using Baton.Access;

namespace Baton.Server.Security;

/// <summary>The authorization policies (one per role, each admitting the roles above it) and the claims they read.</summary>
public static class Roles
{
    /// <summary>The claim holding the caller's role.</summary>
    public const string RoleClaim = "baton:role";

    /// <summary>The claim holding the token id.</summary>
    public const string TokenClaim = "baton:token";

    /// <summary>How a caller without a valid token is named in the audit log.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Viewers and above.</summary>
    public const string Viewer = "viewer";

    /// <summary>Operators and above.</summary>
    public const string Operator = "operator";

    /// <summary>Admins.</summary>
    public const string Admin = "admin";

    /// <summary>The caller's role; null when not authenticated.</summary>
    public static ApiRole? Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirst(RoleClaim)?.Value is { } text && Enum.TryParse<ApiRole>(text, ignoreCase: true, out var role) ? role : null;
    }

    /// <summary>How the caller is named in the audit log and in run signals: <c>token:ID (role)</c>.</summary>
    public static string Actor(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirst(TokenClaim)?.Value is { } id ? $"token:{id} ({Of(user)?.ToString().ToLowerInvariant()})" : Anonymous;
    }

    /// <summary>Parses a role name.</summary>
    public static bool TryParse(string? text, out ApiRole role)
    {
        role = ApiRole.Viewer;
        return text is not null && !int.TryParse(text, out _) && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }
}
