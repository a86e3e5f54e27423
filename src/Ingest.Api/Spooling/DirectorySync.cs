using System.Runtime.InteropServices;

namespace Tollgate.Ingest.Api.Spooling;

/// <summary>
/// Makes a directory's entries durable. A new file's contents can be fsynced, but its name lives
/// in the directory, which POSIX makes durable only by fsyncing the directory itself; .NET cannot
/// open a directory, so this asks the C library.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    private static bool _unavailable;

    public static void Flush(string directory)
    {
        if (_unavailable || (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()))
        {
            return;
        }

        int descriptor;
        try
        {
            descriptor = Open(directory, ReadOnly);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library under another name: the file's own fsync still holds its contents, and
            // journaling file systems (ext4, xfs) commit the new name with it in practice.
            _unavailable = true;
            return;
        }

        if (descriptor < 0)
        {
            throw new IOException($"could not open {directory} to make its entries durable (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"could not fsync {directory} (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
