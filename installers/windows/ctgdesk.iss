; Inno Setup 6 script: the Windows installer of ctgdesk.
;   iscc /DAppVersion=X.Y.Z installers\windows\ctgdesk.iss
; (installers\windows\build-windows.ps1 passes the version read from ctgdesk\__init__.py.)
; Installs for the current user only, without administrator rights, into
; %LOCALAPPDATA%\Programs\ctgdesk, in French, with Start-menu and desktop shortcuts.
; The uninstaller removes the program and never the user's data, which lives elsewhere:
; %LOCALAPPDATA%\ctgdesk (platformdirs user_data_path("ctgdesk", appauthor=False, roaming=False)).

#ifndef AppVersion
  #error Passez la version : iscc /DAppVersion=X.Y.Z (voir build-windows.ps1)
#endif
#define AppName "ctgdesk"
#define AppDisplayName "ctgdesk — Coopération territoriale CTG"
#define AppExe "ctgdesk.exe"

[Setup]
; Never change AppId: it is how a new version recognises and replaces the old one.
AppId={{F2963117-2C47-4BE9-BC71-EC3B04986AB7}
AppName={#AppDisplayName}
AppVersion={#AppVersion}
AppVerName={#AppDisplayName} {#AppVersion}
AppPublisher=ctgdesk
VersionInfoVersion={#AppVersion}
VersionInfoDescription=Installation de {#AppDisplayName}
; Per-user install: no UAC prompt, {autopf} is then %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UninstallDisplayName={#AppDisplayName}
UninstallDisplayIcon={app}\{#AppExe}
SetupIconFile=..\..\resources\icons\ctgdesk.ico
WizardStyle=modern
ShowLanguageDialog=no
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
Compression=lzma2/max
SolidCompression=yes
CloseApplications=yes
OutputDir=..\..\dist
OutputBaseFilename=ctgdesk-{#AppVersion}-windows-installation

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The PyInstaller folder: ctgdesk.exe (window), ctgdesk-console.exe (commands, --self-test).
Source: "..\..\dist\ctgdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppDisplayName}"; Filename: "{app}\{#AppExe}"; Comment: "Territoire, ETP, réunions, plan d'action et bilan de la CTG"
Name: "{autodesktop}\{#AppDisplayName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppDisplayName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder (files the program may have left next to itself).
; The data folder %LOCALAPPDATA%\ctgdesk is deliberately NOT listed: the database and its
; backups stay after uninstalling, and a reinstall finds them.
Type: filesandordirs; Name: "{app}"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox('ctgdesk a été désinstallé.' + #13#10 + #13#10 +
      'Vos données (base et sauvegardes) sont conservées dans :' + #13#10 +
      ExpandConstant('{localappdata}\ctgdesk') + #13#10 + #13#10 +
      'Supprimez ce dossier vous-même si vous n''en avez plus besoin.',
      mbInformation, MB_OK);
end;
