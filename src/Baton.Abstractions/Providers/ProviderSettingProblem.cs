namespace Baton.Providers;

/// <summary>
/// A setting of a provider's configuration that is wrong, as a factory reports it: which setting, and what is expected.
/// The factory cannot know where the setting is written; the host reports the problem as a diagnostic there.
/// </summary>
/// <param name="Setting">The setting as written in the provider's block, such as <c>roots</c>.</param>
/// <param name="Message">What is wrong: lower case, no final full stop, such as <c>expected a list of directory paths, got 3</c>.</param>
public sealed record ProviderSettingProblem(string Setting, string Message);
