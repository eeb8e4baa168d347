import { describe, expect, it } from 'vitest'
import { silentLogger } from '../core/log.js'
import { createRestartOffer, type RestartAnswer } from './restart-offer.js'

function setup(answers: RestartAnswer[]) {
  const calls: string[] = []
  const pending: Array<() => void> = []
  const onState = createRestartOffer({
    ask: (detail) => {
      calls.push(`ask ${detail}`)
      const answer = answers.shift()!
      return new Promise((resolve) => pending.push(() => resolve(answer)))
    },
    restart: async () => void calls.push('restart'),
    openLogs: () => void calls.push('logs'),
    quit: () => void calls.push('quit'),
    log: silentLogger,
  })
  const answerNext = async () => {
    pending.shift()!()
    await new Promise((r) => setTimeout(r, 0))
  }
  return { calls, onState, answerNext }
}

describe('restart offer', () => {
  it('offers a restart when the core dies after running, and restarts on yes', async () => {
    const { calls, onState, answerNext } = setup(['restart'])
    onState('starting')
    onState('running')
    onState('failed', new Error("the core's process ended (signal SIGKILL)"))
    expect(calls).toEqual(["ask the core's process ended (signal SIGKILL)"])
    await answerNext()
    expect(calls.at(-1)).toBe('restart')
  })

  it('leaves a failed first start to the start dialog', () => {
    const { calls, onState } = setup([])
    onState('starting')
    onState('failed', new Error('port in use'))
    expect(calls).toEqual([])
  })

  it('asks once while its dialog is open, again after a failed restart, and honours quit and logs', async () => {
    const { calls, onState, answerNext } = setup(['restart', 'logs', 'quit'])
    onState('running')
    onState('failed', 'a')
    onState('failed', 'b')
    expect(calls).toEqual(['ask a'])
    await answerNext()
    onState('starting')
    onState('failed', 'c')
    await answerNext()
    onState('failed', 'd')
    await answerNext()
    expect(calls).toEqual(['ask a', 'restart', 'ask c', 'logs', 'ask d', 'quit'])
  })
})
