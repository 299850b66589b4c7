; Inno Setup script: the Windows installer of the bundle (dist/hubevents), built by
; .github/workflows/bundle.yml with: iscc /DVersion=X.Y.Z packaging\hubevents.iss
; A per-user install (no administrator rights), a Start menu entry, and .xlsx/.csv/.ods
; offered to open with hubevents.
#ifndef Version
  #define Version "0.0.0"
#endif

[Setup]
AppId={{6E0B7C52-8F0A-4C53-9A8E-3B1C2D4E5F60}
AppName=hubevents
AppVersion={#Version}
AppPublisher=hubevents
DefaultDirName={localappdata}\Programs\hubevents
DefaultGroupName=hubevents
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=hubevents-{#Version}-windows-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\hubevents-gui.exe
ChangesAssociations=yes

[Files]
Source: "..\dist\hubevents\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\hubevents"; Filename: "{app}\hubevents-gui.exe"
Name: "{group}\Uninstall hubevents"; Filename: "{uninstallexe}"

[Registry]
Root: HKCU; Subkey: "Software\Classes\Applications\hubevents-gui.exe\shell\open\command"; ValueType: string; ValueData: """{app}\hubevents-gui.exe"" ""%1"""; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\.xlsx\OpenWithList\hubevents-gui.exe"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\.csv\OpenWithList\hubevents-gui.exe"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\.ods\OpenWithList\hubevents-gui.exe"; Flags: uninsdeletekey

[Run]
Filename: "{app}\hubevents-gui.exe"; Parameters: "--sample"; Description: "Start hubevents with the sample"; Flags: nowait postinstall skipifsilent
