import type { AdminRole, Member } from '@hilal/contract/admin-api';
import { type FormEvent, useState } from 'react';
import { isRole, ROLE_LABELS, ROLES } from '../accounts/roles';
import { useCurrentUser } from '../accounts/use-session';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { CopyButton } from '../app/CopyButton';
import { useAddMember, useChangeRole, useMembers, useRemoveMember } from './members-api';

/** docs/contract.md §7 Accounts: owners list, add, re-role and remove the organization's members. */
export function MembersPage() {
  const { data: user } = useCurrentUser();
  if (user?.role !== 'owner')
    return (
      <>
        <title>Members · Hilal</title>
        <h1>Members</h1>
        <p>Only owners manage members.</p>
      </>
    );
  return (
    <>
      <title>Members · Hilal</title>
      <h1>Members</h1>
      <AddMemberForm />
      <MemberList currentUserId={user.id} />
    </>
  );
}

function AddMemberForm() {
  const addMember = useAddMember();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const role = form.get('role');
    addMember.mutate(
      { email: String(form.get('email') ?? ''), role: isRole(role) ? role : 'agent' },
      { onSuccess: () => (event.target as HTMLFormElement).reset() },
    );
  }

  return (
    <section className="card stack" aria-labelledby="add-member-heading">
      <h2 id="add-member-heading">Add a member</h2>
      <form className="row-form" onSubmit={submit}>
        <label>
          Email
          <input name="email" type="email" autoComplete="off" required />
        </label>
        <label>
          Role
          <select name="role" defaultValue="agent">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={addMember.isPending}>
          Add member
        </button>
      </form>
      {addMember.isError && (
        <p role="alert" className="error">
          {addMember.error.message}
        </p>
      )}
      {addMember.data && (
        <FirstPassword
          email={addMember.data.member.email}
          password={addMember.data.firstPassword}
          onDone={() => addMember.reset()}
        />
      )}
    </section>
  );
}

/** The new member's first password: shown here once, never again (it is not cached either). */
function FirstPassword({
  email,
  password,
  onDone,
}: {
  email: string;
  password: string;
  onDone: () => void;
}) {
  return (
    <section className="notice stack" aria-labelledby="first-password-heading">
      <h3 id="first-password-heading">{`${email} was added`}</h3>
      <p className="warning" id="first-password-warning">
        <strong>Copy this password now: it will not be shown again.</strong> Give it to {email}{' '}
        privately; they can change it after signing in.
      </p>
      <label>
        First password
        <input
          type="text"
          readOnly
          value={password}
          aria-describedby="first-password-warning"
          className="mono"
          onFocus={(event) => event.currentTarget.select()}
        />
      </label>
      <div className="actions">
        <CopyButton text={password} />
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

function MemberList({ currentUserId }: { currentUserId: string }) {
  const members = useMembers();
  const changeRole = useChangeRole();
  const removeMember = useRemoveMember();
  const [removing, setRemoving] = useState<Member | null>(null);

  if (members.isPending) return <p role="status">Loading members…</p>;
  if (members.isError)
    return (
      <p role="alert" className="error">
        {members.error.message}
      </p>
    );

  const failure = changeRole.error ?? removeMember.error;
  return (
    <section className="card stack" aria-labelledby="members-heading">
      <h2 id="members-heading">People in your organization</h2>
      {failure && (
        <p role="alert" className="error">
          {failure.message}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.data.map((member) => {
            const pendingRole =
              changeRole.isPending && changeRole.variables.id === member.id
                ? changeRole.variables.role
                : undefined;
            return (
              <tr key={member.id}>
                <th scope="row">
                  {member.email}
                  {member.id === currentUserId && <span className="muted"> (you)</span>}
                </th>
                <td>
                  <select
                    aria-label={`Role of ${member.email}`}
                    value={pendingRole ?? member.role}
                    disabled={changeRole.isPending}
                    onChange={(event) => {
                      const role = event.currentTarget.value;
                      removeMember.reset();
                      if (isRole(role))
                        changeRole.mutate({ id: member.id, role: role as AdminRole });
                    }}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {ROLE_LABELS[role]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Remove ${member.email}`}
                    onClick={() => {
                      changeRole.reset();
                      removeMember.reset();
                      setRemoving(member);
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.email}?`}
          confirmLabel="Remove"
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            removeMember.mutate(removing.id);
            setRemoving(null);
          }}
        >
          <p>They can no longer sign in, and their open dashboard sessions end now.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
