using System.Text.Json;

namespace Baton.Server.Api;

/// <summary>Enum values as the API writes them: snake_case words (<c>waiting_approval</c>).</summary>
internal static class Words
{
    public static string Of<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
