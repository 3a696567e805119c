namespace Baton.Providers;

/// <summary>
/// Thrown by <see cref="IProviderFactory.CreateAsync"/> when a provider's settings are wrong: the message names the
/// setting (<see cref="Setting"/>) and says what is expected, so the engine can report it as a diagnostic on the
/// provider block.
/// </summary>
public sealed class ProviderConfigurationException : ArgumentException
{
    /// <summary>Creates an exception without details.</summary>
    public ProviderConfigurationException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ProviderConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public ProviderConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the setting <paramref name="setting"/> of provider instance <paramref name="instance"/>.</summary>
    public ProviderConfigurationException(string instance, string setting, string message)
        : base($"provider \"{instance}\": setting \"{setting}\": {message}")
    {
        Instance = instance;
        Setting = setting;
    }

    /// <summary>The provider instance, such as <c>sim</c> or <c>file.local</c>, when known.</summary>
    public string? Instance { get; }

    /// <summary>The setting that is wrong, when known.</summary>
    public string? Setting { get; }
}
